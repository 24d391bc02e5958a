package account

import "slices"

// Lifecycle is where an account stands with us.
type Lifecycle string

const (
	Prospect       Lifecycle = "prospect"
	Customer       Lifecycle = "customer"
	FormerCustomer Lifecycle = "former_customer"
)

// Lifecycles lists every lifecycle, in display order.
var Lifecycles = []Lifecycle{Prospect, Customer, FormerCustomer}

// Level is a stakeholder's level in the client's organisation.
type Level string

const (
	Executive        Level = "executive"
	SeniorManagement Level = "senior_management"
	MiddleManagement Level = "middle_management"
	Operational      Level = "operational"
)

// Levels lists every level, from the top.
var Levels = []Level{Executive, SeniorManagement, MiddleManagement, Operational}

// BuyingRole is a stakeholder's part in buying from us.
type BuyingRole string

const (
	DecisionMaker BuyingRole = "decision_maker"
	Influencer    BuyingRole = "influencer"
	User          BuyingRole = "user"
	Champion      BuyingRole = "champion"
	Blocker       BuyingRole = "blocker"
	UnknownRole   BuyingRole = "unknown"
)

// BuyingRoles lists every buying role.
var BuyingRoles = []BuyingRole{DecisionMaker, Influencer, User, Champion, Blocker, UnknownRole}

// TouchKind is the kind of an interaction with the client.
type TouchKind string

const (
	Meeting        TouchKind = "meeting"
	Call           TouchKind = "call"
	Email          TouchKind = "email"
	BusinessReview TouchKind = "business_review"
	Event          TouchKind = "event"
	OtherTouch     TouchKind = "other"
)

// TouchKinds lists every touch kind.
var TouchKinds = []TouchKind{Meeting, Call, Email, BusinessReview, Event, OtherTouch}

// OpportunityKind says what an opportunity would sell.
type OpportunityKind string

const (
	NewBusiness OpportunityKind = "new"
	Upsell      OpportunityKind = "upsell"
	CrossSell   OpportunityKind = "cross_sell"
	Renewal     OpportunityKind = "renewal"
)

// OpportunityKinds lists every opportunity kind.
var OpportunityKinds = []OpportunityKind{NewBusiness, Upsell, CrossSell, Renewal}

// Stage is where an opportunity is in the sales process. Won and Lost are closed.
type Stage string

const (
	Prospecting Stage = "prospecting"
	Engaging    Stage = "engaging"
	Proposal    Stage = "proposal"
	Won         Stage = "won"
	Lost        Stage = "lost"
)

// Stages lists every stage, in process order.
var Stages = []Stage{Prospecting, Engaging, Proposal, Won, Lost}

// Closed reports whether the stage ends the opportunity.
func (s Stage) Closed() bool { return s == Won || s == Lost }

// ContractStatus is the state of a contract.
type ContractStatus string

const (
	ContractPending   ContractStatus = "pending"
	ContractActive    ContractStatus = "active"
	ContractExpired   ContractStatus = "expired"
	ContractCancelled ContractStatus = "cancelled"
)

// ContractStatuses lists every contract status.
var ContractStatuses = []ContractStatus{ContractPending, ContractActive, ContractExpired, ContractCancelled}

func oneOf[T ~string](v T, all []T) bool { return slices.Contains(all, v) }

// Labels turns an enum value into words for people ("senior_management" → "Senior management").
func Label[T ~string](v T) string {
	if v == "" {
		return ""
	}
	b := []byte(string(v))
	for i := range b {
		if b[i] == '_' {
			b[i] = ' '
		}
	}
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}
