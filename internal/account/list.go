package account

// Page asks for one page of a list: at most Limit items after Cursor (an
// opaque string from the previous page), ordered by Sort ("name", or "-name"
// for descending; each list documents the keys it accepts).
type Page struct {
	Limit  int
	Cursor string
	Sort   string
	// VisibleTo, when not 0, confines the list to records of accounts that
	// person owns or is on the account team of: the "need to know" rule.
	VisibleTo int64
}

// MaxLimit caps a page; DefaultLimit applies when none is given.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// AccountFilter narrows a list of accounts. Zero values do not filter.
type AccountFilter struct {
	Page
	OwnerID   int64
	ParentID  int64
	Industry  string
	Lifecycle Lifecycle
	Country   string
	Region    string
	Q         string // matches name or domain, case-insensitively
}

// StakeholderFilter narrows a list of stakeholders.
type StakeholderFilter struct {
	Page
	AccountID  int64
	Level      Level
	BuyingRole BuyingRole
	Active     *bool
	Q          string // matches name, title or email
}

// PersonFilter narrows a list of our people.
type PersonFilter struct {
	Page
	ManagerID int64
	Q         string // matches name or email
}

// TouchFilter narrows a list of touches.
type TouchFilter struct {
	Page
	AccountID     int64
	PersonID      int64
	StakeholderID int64
	Kind          TouchKind
	Q             string // matches summary or next step
}

// OpportunityFilter narrows a list of opportunities.
type OpportunityFilter struct {
	Page
	AccountID int64
	OwnerID   int64
	Stage     Stage
	Kind      OpportunityKind
	Q         string // matches name or product
}

// ContractFilter narrows a list of contracts.
type ContractFilter struct {
	Page
	AccountID int64
	Status    ContractStatus
	Q         string // matches product
}
