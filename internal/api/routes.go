package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
)

// Descriptions shared by the operations of every resource.
const (
	listDoc   = "Pages with a cursor: pass next_cursor from one page as cursor to get the next; it is absent on the last page."
	nestedDoc = "The same as the top-level list narrowed to the account; 404 if the account does not exist or is hidden from you."
	createDoc = "Answers 201 with the record and its URL in Location. Fields left out (or null) take their defaults."
	putDoc    = "Replaces every editable field: a field left out (or null) takes its default, as on create."
	patchDoc  = "A JSON merge patch (RFC 7396): fields left out stay as they are, null clears an optional field, and the result must be valid as for PUT."
)

// routes registers every operation of the API, each with its access rule.
// Account-scoped handlers also ask the Guard about the account itself:
// CanReadAccount before showing a record, CanEdit before changing one.
func routes(api huma.API, h *handlers) {
	register(api, h, huma.Operation{OperationID: "get-openapi", Method: http.MethodGet, Path: "/api/openapi.json",
		Summary: "Get this OpenAPI document", Tags: []string{"Meta"},
		Metadata: rule(access.Public)}, h.openAPI)

	// Accounts
	register(api, h, huma.Operation{OperationID: "list-accounts", Method: http.MethodGet, Path: "/api/v1/accounts",
		Summary: "List accounts", Description: listDoc, Tags: []string{"Accounts"},
		Metadata: rule(access.ReadRecords)}, h.listAccounts)
	register(api, h, huma.Operation{OperationID: "create-account", Method: http.MethodPost, Path: "/api/v1/accounts",
		Summary: "Create an account", Description: createDoc, Tags: []string{"Accounts"}, DefaultStatus: http.StatusCreated,
		Metadata: rule(access.WriteRecords)}, h.createAccount)
	register(api, h, huma.Operation{OperationID: "get-account", Method: http.MethodGet, Path: "/api/v1/accounts/{id}",
		Summary: "Get an account", Tags: []string{"Accounts"},
		Metadata: rule(access.ReadRecords)}, h.getAccount)
	register(api, h, huma.Operation{OperationID: "replace-account", Method: http.MethodPut, Path: "/api/v1/accounts/{id}",
		Summary: "Replace an account's editable fields", Description: putDoc, Tags: []string{"Accounts"},
		Metadata: rule(access.WriteRecords)}, h.putAccount)
	register(api, h, huma.Operation{OperationID: "patch-account", Method: http.MethodPatch, Path: "/api/v1/accounts/{id}",
		Summary: "Change some of an account's fields (JSON merge patch)", Description: patchDoc, Tags: []string{"Accounts"},
		Metadata: rule(access.WriteRecords)}, h.patchAccount)
	register(api, h, huma.Operation{OperationID: "delete-account", Method: http.MethodDelete, Path: "/api/v1/accounts/{id}",
		Summary:     "Delete an account",
		Description: "Deletes the account with its stakeholders, touches, opportunities and contracts; its child accounts lose their parent.", Tags: []string{"Accounts"}, DefaultStatus: http.StatusNoContent,
		Metadata: rule(access.WriteRecords)}, h.deleteAccount)

	// Stakeholders
	register(api, h, huma.Operation{OperationID: "list-stakeholders", Method: http.MethodGet, Path: "/api/v1/stakeholders",
		Summary: "List stakeholders", Description: listDoc, Tags: []string{"Stakeholders"},
		Metadata: rule(access.ReadRecords)}, h.listStakeholders)
	register(api, h, huma.Operation{OperationID: "create-stakeholder", Method: http.MethodPost, Path: "/api/v1/stakeholders",
		Summary: "Create a stakeholder", Description: createDoc, Tags: []string{"Stakeholders"}, DefaultStatus: http.StatusCreated,
		Metadata: rule(access.WriteRecords)}, h.createStakeholder)
	register(api, h, huma.Operation{OperationID: "get-stakeholder", Method: http.MethodGet, Path: "/api/v1/stakeholders/{id}",
		Summary: "Get a stakeholder", Tags: []string{"Stakeholders"},
		Metadata: rule(access.ReadRecords)}, h.getStakeholder)
	register(api, h, huma.Operation{OperationID: "replace-stakeholder", Method: http.MethodPut, Path: "/api/v1/stakeholders/{id}",
		Summary: "Replace a stakeholder's editable fields", Description: putDoc, Tags: []string{"Stakeholders"},
		Metadata: rule(access.WriteRecords)}, h.putStakeholder)
	register(api, h, huma.Operation{OperationID: "patch-stakeholder", Method: http.MethodPatch, Path: "/api/v1/stakeholders/{id}",
		Summary: "Change some of a stakeholder's fields (JSON merge patch)", Description: patchDoc, Tags: []string{"Stakeholders"},
		Metadata: rule(access.WriteRecords)}, h.patchStakeholder)
	register(api, h, huma.Operation{OperationID: "delete-stakeholder", Method: http.MethodDelete, Path: "/api/v1/stakeholders/{id}",
		Summary: "Delete a stakeholder", Tags: []string{"Stakeholders"}, DefaultStatus: http.StatusNoContent,
		Metadata: rule(access.WriteRecords)}, h.deleteStakeholder)

	// People
	register(api, h, huma.Operation{OperationID: "list-people", Method: http.MethodGet, Path: "/api/v1/people",
		Summary: "List people", Description: listDoc, Tags: []string{"People"},
		Metadata: rule(access.ReadRecords)}, h.listPeople)
	register(api, h, huma.Operation{OperationID: "create-person", Method: http.MethodPost, Path: "/api/v1/people",
		Summary: "Create a person", Description: createDoc, Tags: []string{"People"}, DefaultStatus: http.StatusCreated,
		Metadata: rule(access.ManagePeople)}, h.createPerson)
	register(api, h, huma.Operation{OperationID: "get-person", Method: http.MethodGet, Path: "/api/v1/people/{id}",
		Summary: "Get a person", Tags: []string{"People"},
		Metadata: rule(access.ReadRecords)}, h.getPerson)
	register(api, h, huma.Operation{OperationID: "replace-person", Method: http.MethodPut, Path: "/api/v1/people/{id}",
		Summary: "Replace a person's editable fields", Description: putDoc, Tags: []string{"People"},
		Metadata: rule(access.ManagePeople)}, h.putPerson)
	register(api, h, huma.Operation{OperationID: "patch-person", Method: http.MethodPatch, Path: "/api/v1/people/{id}",
		Summary: "Change some of a person's fields (JSON merge patch)", Description: patchDoc, Tags: []string{"People"},
		Metadata: rule(access.ManagePeople)}, h.patchPerson)
	register(api, h, huma.Operation{OperationID: "delete-person", Method: http.MethodDelete, Path: "/api/v1/people/{id}",
		Summary:     "Delete a person",
		Description: "Accounts and opportunities they owned become unassigned, and their reports lose their manager.", Tags: []string{"People"}, DefaultStatus: http.StatusNoContent,
		Metadata: rule(access.ManagePeople)}, h.deletePerson)

	// Touches
	register(api, h, huma.Operation{OperationID: "list-touches", Method: http.MethodGet, Path: "/api/v1/touches",
		Summary: "List touches", Description: listDoc, Tags: []string{"Touches"},
		Metadata: rule(access.ReadRecords)}, h.listTouches)
	register(api, h, huma.Operation{OperationID: "create-touch", Method: http.MethodPost, Path: "/api/v1/touches",
		Summary: "Create a touch", Description: createDoc, Tags: []string{"Touches"}, DefaultStatus: http.StatusCreated,
		Metadata: rule(access.WriteRecords)}, h.createTouch)
	register(api, h, huma.Operation{OperationID: "get-touch", Method: http.MethodGet, Path: "/api/v1/touches/{id}",
		Summary: "Get a touch", Tags: []string{"Touches"},
		Metadata: rule(access.ReadRecords)}, h.getTouch)
	register(api, h, huma.Operation{OperationID: "replace-touch", Method: http.MethodPut, Path: "/api/v1/touches/{id}",
		Summary: "Replace a touch's editable fields", Description: putDoc, Tags: []string{"Touches"},
		Metadata: rule(access.WriteRecords)}, h.putTouch)
	register(api, h, huma.Operation{OperationID: "patch-touch", Method: http.MethodPatch, Path: "/api/v1/touches/{id}",
		Summary: "Change some of a touch's fields (JSON merge patch)", Description: patchDoc, Tags: []string{"Touches"},
		Metadata: rule(access.WriteRecords)}, h.patchTouch)
	register(api, h, huma.Operation{OperationID: "delete-touch", Method: http.MethodDelete, Path: "/api/v1/touches/{id}",
		Summary: "Delete a touch", Tags: []string{"Touches"}, DefaultStatus: http.StatusNoContent,
		Metadata: rule(access.WriteRecords)}, h.deleteTouch)

	// Opportunities
	register(api, h, huma.Operation{OperationID: "list-opportunities", Method: http.MethodGet, Path: "/api/v1/opportunities",
		Summary: "List opportunities", Description: listDoc, Tags: []string{"Opportunities"},
		Metadata: rule(access.ReadRecords)}, h.listOpportunities)
	register(api, h, huma.Operation{OperationID: "create-opportunity", Method: http.MethodPost, Path: "/api/v1/opportunities",
		Summary: "Create an opportunity", Description: createDoc, Tags: []string{"Opportunities"}, DefaultStatus: http.StatusCreated,
		Metadata: rule(access.WriteRecords)}, h.createOpportunity)
	register(api, h, huma.Operation{OperationID: "get-opportunity", Method: http.MethodGet, Path: "/api/v1/opportunities/{id}",
		Summary: "Get an opportunity", Tags: []string{"Opportunities"},
		Metadata: rule(access.ReadRecords)}, h.getOpportunity)
	register(api, h, huma.Operation{OperationID: "replace-opportunity", Method: http.MethodPut, Path: "/api/v1/opportunities/{id}",
		Summary: "Replace an opportunity's editable fields", Description: putDoc, Tags: []string{"Opportunities"},
		Metadata: rule(access.WriteRecords)}, h.putOpportunity)
	register(api, h, huma.Operation{OperationID: "patch-opportunity", Method: http.MethodPatch, Path: "/api/v1/opportunities/{id}",
		Summary: "Change some of an opportunity's fields (JSON merge patch)", Description: patchDoc, Tags: []string{"Opportunities"},
		Metadata: rule(access.WriteRecords)}, h.patchOpportunity)
	register(api, h, huma.Operation{OperationID: "delete-opportunity", Method: http.MethodDelete, Path: "/api/v1/opportunities/{id}",
		Summary: "Delete an opportunity", Tags: []string{"Opportunities"}, DefaultStatus: http.StatusNoContent,
		Metadata: rule(access.WriteRecords)}, h.deleteOpportunity)

	// Contracts
	register(api, h, huma.Operation{OperationID: "list-contracts", Method: http.MethodGet, Path: "/api/v1/contracts",
		Summary: "List contracts", Description: listDoc, Tags: []string{"Contracts"},
		Metadata: rule(access.ReadRecords)}, h.listContracts)
	register(api, h, huma.Operation{OperationID: "create-contract", Method: http.MethodPost, Path: "/api/v1/contracts",
		Summary: "Create a contract", Description: createDoc, Tags: []string{"Contracts"}, DefaultStatus: http.StatusCreated,
		Metadata: rule(access.WriteRecords)}, h.createContract)
	register(api, h, huma.Operation{OperationID: "get-contract", Method: http.MethodGet, Path: "/api/v1/contracts/{id}",
		Summary: "Get a contract", Tags: []string{"Contracts"},
		Metadata: rule(access.ReadRecords)}, h.getContract)
	register(api, h, huma.Operation{OperationID: "replace-contract", Method: http.MethodPut, Path: "/api/v1/contracts/{id}",
		Summary: "Replace a contract's editable fields", Description: putDoc, Tags: []string{"Contracts"},
		Metadata: rule(access.WriteRecords)}, h.putContract)
	register(api, h, huma.Operation{OperationID: "patch-contract", Method: http.MethodPatch, Path: "/api/v1/contracts/{id}",
		Summary: "Change some of a contract's fields (JSON merge patch)", Description: patchDoc, Tags: []string{"Contracts"},
		Metadata: rule(access.WriteRecords)}, h.patchContract)
	register(api, h, huma.Operation{OperationID: "delete-contract", Method: http.MethodDelete, Path: "/api/v1/contracts/{id}",
		Summary: "Delete a contract", Tags: []string{"Contracts"}, DefaultStatus: http.StatusNoContent,
		Metadata: rule(access.WriteRecords)}, h.deleteContract)

	// An account's records, paged like the top-level lists.
	register(api, h, huma.Operation{OperationID: "list-account-stakeholders", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/stakeholders",
		Summary: "List an account's stakeholders", Description: nestedDoc, Tags: []string{"Accounts"},
		Metadata: rule(access.ReadRecords)}, h.accountStakeholders)
	register(api, h, huma.Operation{OperationID: "list-account-touches", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/touches",
		Summary: "List an account's touches", Description: nestedDoc, Tags: []string{"Accounts"},
		Metadata: rule(access.ReadRecords)}, h.accountTouches)
	register(api, h, huma.Operation{OperationID: "list-account-opportunities", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/opportunities",
		Summary: "List an account's opportunities", Description: nestedDoc, Tags: []string{"Accounts"},
		Metadata: rule(access.ReadRecords)}, h.accountOpportunities)
	register(api, h, huma.Operation{OperationID: "list-account-contracts", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/contracts",
		Summary: "List an account's contracts", Description: nestedDoc, Tags: []string{"Accounts"},
		Metadata: rule(access.ReadRecords)}, h.accountContracts)

	// Audit trail
	register(api, h, huma.Operation{OperationID: "list-audit", Method: http.MethodGet, Path: "/api/v1/audit",
		Summary: "List the audit trail", Description: listDoc + " Newest first unless sorted otherwise.", Tags: []string{"Audit"},
		Metadata: rule(access.ReadAudit)}, h.listAudit)

	// Staffing: workload, moves, policy, capacities, goals, teams and
	// deliverables (staffing.go).
	staffingRoutes(api, h)

	// Contact cadences: states, adherence, policy (cadence.go).
	cadenceRoutes(api, h)

	// The portfolio: ranking, criteria, tiers, ratings, designation
	// (portfolio.go).
	portfolioRoutes(api, h)

	// Later features, each with its own file.
	reviewRoutes(api, h)  // business reviews (reviews.go)
	intelRoutes(api, h)   // profile, vision, relationships, products, coverage (intel.go)
	dataRoutes(api, h)    // custom fields, imports, exports (data.go)
	planRoutes(api, h)    // strategic account plans (plans.go)
	outcomeRoutes(api, h) // problems, renewals, metrics (outcomes.go)
	measureRoutes(api, h) // surveys, grader, assessments (measures.go)
	healthRoutes(api, h)  // health scores and churn risk (health.go)

	// Survey answers received on paper or by phone (survey_answers.go).
	surveyAnswerRoutes(api, h)
}
