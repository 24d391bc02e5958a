// Package auth holds who may do what in samwise: users and their roles,
// password hashing, API-token and session secrets, the principal acting on a
// request, the sign-in rate limit, and the access rules as pure functions.
//
// It is plain Go: it must never import the store, web or api packages, nor
// any database or HTTP library. Storage implements SignInStore; the web and
// API layers put a *Principal in the request context (NewContext) and ask
// Allowed, CanReadAccount and CanEditAccount before acting.
//
// # Roles and route-level actions
//
// Every user has one role. Allowed(action) is checked at each route:
//
//	action               administrator  SAM leader  account manager  team member  viewer
//	read records              yes          yes           yes             yes        yes
//	write records             yes          yes           yes             yes        -
//	create accounts           yes          yes           yes             -          -
//	manage people             yes          yes           -               -          -
//	set portfolio policy      yes          yes           -               -          -
//	read audit trail          yes          yes           -               -          -
//	manage users              yes          -             -               -          -
//	manage settings           yes          -             -               -          -
//	manage own API tokens     yes          yes           yes             yes        yes
//
// An administrator holds every right of a SAM leader too: the first user of
// a new installation is an administrator and must be able to set the
// portfolio up alone. An organisation that wants its IT administrator kept
// out of account data should not make them a samwise user.
//
// "Write records" only opens the door: which account may be changed, and
// which part of it, is decided per account by CanEditAccount.
//
// API tokens act as their user, narrowed by the token's scope: a read token
// may only read records and the audit trail, whatever the user's role; a
// read-write token has the user's rights except managing tokens, so a leaked
// token cannot mint its own successor. Nobody (no principal) and disabled
// users may do nothing.
//
// # Reading an account
//
// Without need-to-know (the default), everyone who may read records reads
// every account. With the organisation setting need-to-know on,
// administrators and SAM leaders still read every account; everyone else
// reads only the accounts whose owner they are or on whose team they sit
// (through the person record their user is linked to). A user not linked to
// a person is involved in no account.
//
// # Editing an account
//
// CanEditAccount(principal, access, part): administrators and SAM leaders
// edit every part of every account; account managers every part of the
// accounts they own or are on the team of (in any team role), and nothing
// of the others; viewers and read tokens nothing. Team members edit, on the
// accounts whose team they sit on, the parts their team roles cover (the
// union when they hold several); an account's owner counts as its account
// manager:
//
//	part            exec. partner  account mgr  sales eng.  prof. services  cust. service mgr  tech. lead
//	account data          -            yes          -             -                -               -
//	team                  -            yes          -             -                -               -
//	stakeholders         yes           yes          -             -               yes              -
//	touches              yes           yes         yes           yes              yes             yes
//	opportunities         -            yes         yes            -                -               -
//	contracts             -            yes          -             -               yes              -
//	plan                 yes           yes          -             -                -               -
//	technology            -            yes         yes           yes               -              yes
//
// Each column follows the role's deliverable: everyone on the team logs
// touches; the executive partner keeps the executive relationships and the
// vision in the plan; the sales engineer sells and draws the configuration;
// professional services and the technical lead build and run the solution;
// the customer service manager keeps the operational contacts and the
// contracts. "Account data" includes deleting the account and changing its
// owner.
//
// # Credentials
//
// Passwords are hashed with argon2id (RFC 9106's second recommended
// parameters, see DefaultParams) in PHC string format, 12 to 256
// characters, no composition rules. Session and token secrets are 256 random
// bits with a recognisable prefix ("sws_", "sw_"); only their SHA-256 is
// stored. Sign-ins are rate-limited per e-mail and per address
// (DefaultLimits), and every answer to a wrong e-mail or a wrong password is
// the same.
package auth
