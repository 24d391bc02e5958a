package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
)

// Agreed cadences and accelerations of an account: the overrides of the
// tier default (see package cadence, Resolve). Changing them is changing
// what the account team promised about its stakeholders, so it needs the
// right to edit the account's stakeholders, as on the account page.

func cadenceOverrideRoutes(api huma.API, h *handlers) {
	tags := []string{"Cadence"}
	register(api, h, huma.Operation{OperationID: "list-cadence-agreements", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/cadence/agreements",
		Summary: "List an account's agreed cadences", Tags: tags, Metadata: rule(access.ReadRecords)}, h.listAgreements)
	register(api, h, huma.Operation{OperationID: "set-cadence-agreement", Method: http.MethodPost, Path: "/api/v1/accounts/{id}/cadence/agreements",
		Summary: "Record a cadence agreed with the client",
		Description: "For one stakeholder, or the whole account when stakeholder_id is 0; replaces an earlier agreement for the same one. " +
			"It overrides the tier default until deleted.",
		Tags: tags, Metadata: rule(access.WriteRecords)}, h.setAgreement)
	register(api, h, huma.Operation{OperationID: "delete-cadence-agreement", Method: http.MethodDelete, Path: "/api/v1/accounts/{id}/cadence/agreements/{oid}",
		Summary: "Delete an agreed cadence", Tags: tags, DefaultStatus: http.StatusNoContent, Metadata: rule(access.WriteRecords)}, h.deleteAgreement)
	register(api, h, huma.Operation{OperationID: "list-cadence-accelerations", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/cadence/accelerations",
		Summary: "List an account's cadence accelerations", Tags: tags, Metadata: rule(access.ReadRecords)}, h.listAccelerations)
	register(api, h, huma.Operation{OperationID: "add-cadence-acceleration", Method: http.MethodPost, Path: "/api/v1/accounts/{id}/cadence/accelerations",
		Summary:     "Speed a cadence up for a time window",
		Description: "A faster interval from starts_on to ends_on inclusive, tied to an opportunity or a named initiative; the cadence returns to normal by itself afterwards.",
		Tags:        tags, DefaultStatus: http.StatusCreated, Metadata: rule(access.WriteRecords)}, h.addAcceleration)
	register(api, h, huma.Operation{OperationID: "delete-cadence-acceleration", Method: http.MethodDelete, Path: "/api/v1/accounts/{id}/cadence/accelerations/{oid}",
		Summary: "Delete a cadence acceleration", Tags: tags, DefaultStatus: http.StatusNoContent, Metadata: rule(access.WriteRecords)}, h.deleteAcceleration)
}

// AgreementInput is a cadence agreed with the client.
type AgreementInput struct {
	StakeholderID int64        `json:"stakeholder_id" minimum:"0" doc:"The stakeholder it is agreed for; 0 for the whole account."`
	IntervalDays  int          `json:"interval_days" minimum:"1" maximum:"1830"`
	AgreedBy      int64        `json:"agreed_by,omitempty" minimum:"0" doc:"The client's stakeholder who agreed; 0 if not recorded."`
	AgreedOn      account.Date `json:"agreed_on" format:"date"`
	Note          string       `json:"note,omitempty" maxLength:"2000"`
}

// Agreement is an agreed cadence as the API returns it.
type Agreement struct {
	ID int64 `json:"id"`
	AgreementInput
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AccelerationInput is a temporary faster cadence.
type AccelerationInput struct {
	StakeholderID int64        `json:"stakeholder_id" minimum:"0" doc:"The stakeholder it applies to; 0 for every stakeholder of the account."`
	IntervalDays  int          `json:"interval_days" minimum:"1" maximum:"1830"`
	StartsOn      account.Date `json:"starts_on" format:"date"`
	EndsOn        account.Date `json:"ends_on" format:"date" doc:"Last day, inclusive."`
	OpportunityID int64        `json:"opportunity_id,omitempty" minimum:"0" doc:"The opportunity it serves, or 0 with an initiative."`
	Initiative    string       `json:"initiative,omitempty" maxLength:"200"`
}

// Acceleration is an acceleration as the API returns it.
type Acceleration struct {
	ID int64 `json:"id"`
	AccelerationInput
	Active    bool      `json:"active" doc:"Whether it applies today (UTC)."`
	CreatedAt time.Time `json:"created_at"`
}

type cadenceOverrideInput struct {
	IDParam
	OID int64 `path:"oid" minimum:"1" doc:"The agreement's or acceleration's id."`
}

type cadenceAccountBody[T any] struct {
	IDParam
	Body T
}

func agreementOut(a cadence.Agreement) Agreement {
	return Agreement{ID: a.ID, AgreementInput: AgreementInput{StakeholderID: a.StakeholderID, IntervalDays: a.IntervalDays,
		AgreedBy: a.AgreedBy, AgreedOn: a.AgreedOn, Note: a.Note}, CreatedAt: instant(a.CreatedAt), UpdatedAt: instant(a.UpdatedAt)}
}

func accelerationOut(a cadence.Acceleration) Acceleration {
	return Acceleration{ID: a.ID, AccelerationInput: AccelerationInput{StakeholderID: a.StakeholderID, IntervalDays: a.IntervalDays,
		StartsOn: a.StartsOn, EndsOn: a.EndsOn, OpportunityID: a.OpportunityID, Initiative: a.Initiative},
		Active: a.Active(todayUTC()), CreatedAt: instant(a.CreatedAt)}
}

func (h *handlers) listAgreements(ctx context.Context, in *getInput) (*listOutput[Agreement], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	o, err := h.db.CadenceOverrides(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return list(o.Agreements[in.ID], "", agreementOut), nil
}

func (h *handlers) setAgreement(ctx context.Context, in *cadenceAccountBody[AgreementInput]) (*one[Agreement], error) {
	if err := h.editable(ctx, in.ID, access.PartStakeholder); err != nil {
		return nil, err
	}
	b := in.Body
	a := cadence.Agreement{AccountID: in.ID, StakeholderID: b.StakeholderID, IntervalDays: b.IntervalDays, AgreedBy: b.AgreedBy,
		AgreedOn: b.AgreedOn, Note: b.Note}
	if err := h.db.SetAgreement(ctx, h.guard.Scope(ctx), &a); err != nil {
		return nil, err
	}
	return &one[Agreement]{Body: agreementOut(a)}, nil
}

func (h *handlers) deleteAgreement(ctx context.Context, in *cadenceOverrideInput) (*struct{}, error) {
	if err := h.editable(ctx, in.ID, access.PartStakeholder); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteAgreement(ctx, h.guard.Scope(ctx), in.ID, in.OID)
}

func (h *handlers) listAccelerations(ctx context.Context, in *getInput) (*listOutput[Acceleration], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	o, err := h.db.CadenceOverrides(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return list(o.Accelerations[in.ID], "", accelerationOut), nil
}

func (h *handlers) addAcceleration(ctx context.Context, in *cadenceAccountBody[AccelerationInput]) (*created[Acceleration], error) {
	if err := h.editable(ctx, in.ID, access.PartStakeholder); err != nil {
		return nil, err
	}
	b := in.Body
	a := cadence.Acceleration{AccountID: in.ID, StakeholderID: b.StakeholderID, IntervalDays: b.IntervalDays, StartsOn: b.StartsOn,
		EndsOn: b.EndsOn, OpportunityID: b.OpportunityID, Initiative: b.Initiative}
	if err := h.db.AddAcceleration(ctx, h.guard.Scope(ctx), &a); err != nil {
		return nil, err
	}
	return &created[Acceleration]{Location: location("accounts", in.ID) + "/cadence/accelerations/" + cadenceOverrideID(a.ID), Body: accelerationOut(a)}, nil
}

func (h *handlers) deleteAcceleration(ctx context.Context, in *cadenceOverrideInput) (*struct{}, error) {
	if err := h.editable(ctx, in.ID, access.PartStakeholder); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteAcceleration(ctx, h.guard.Scope(ctx), in.ID, in.OID)
}

func cadenceOverrideID(n int64) string { return strconv.FormatInt(n, 10) }
