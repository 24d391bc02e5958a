package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
)

// Knowing the account: the products catalog, the customer profile, the
// business vision, the relationship matrix and coverage, the technology
// roadmap and whitespace, and the needs assessment. The rules live in
// package intel. Profile, vision and needs are the account's plan part;
// the relationship matrix its stakeholder part; the roadmap its technology
// part. The catalog is organisation policy: SAM leaders change it.

// partPlan and partTechnology are the account parts of internal/auth that
// internal/access has no constant for yet.
const (
	partPlan       = access.Part("plan")
	partTechnology = access.Part("technology")
)

const (
	coverageDoc = "Coverage gaps found in the relationship matrices, each with its rule and the account it affects: " +
		"level_gap (a level — executive, senior management, middle management, operational — where no current stakeholder " +
		"has at least a weak relationship with one of our people), unknown_decision_maker (a current decision maker nobody on " +
		"our side knows), single_threaded (every strong relationship runs through one of our people), quiet_champion (a " +
		"current champion not touched for more than quiet_days days, or never), influential_blocker (a current blocker — buying " +
		"role blocker or attitude below 0 — with influence 4 or 5), departed_key_player (a champion or decision maker who left " +
		"within departed_days days; an alert for the account manager). Days in UTC. By rule, account name and stakeholder, " +
		"a page at a time: limit findings (1000 unless set; before paging the list had no limit) and next_cursor for the next " +
		"page, with counts and total of every page."
	whitespaceDoc = "The accounts × products matrix of the portfolio: every account with at least one roadmap entry (under " +
		"need-to-know, the accounts you own or are on the team of) against every product still offered. Totals add the " +
		"estimated value of whitespace cells: could_use and needed_for_vision."
)

func intelRoutes(api huma.API, h *handlers) {
	tags := []string{"Knowing the account"}
	op := func(id, method, path, summary, doc string, r access.Rule) huma.Operation {
		o := huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Description: doc, Tags: tags, Metadata: rule(r)}
		switch method {
		case http.MethodPost:
			o.DefaultStatus = http.StatusCreated
		case http.MethodDelete:
			o.DefaultStatus = http.StatusNoContent
		}
		return o
	}
	register(api, h, op("list-products", http.MethodGet, "/api/v1/products", "List the products catalog", "By family and name.", access.ReadRecords), h.listProducts)
	register(api, h, op("create-product", http.MethodPost, "/api/v1/products", "Add a product to the catalog", "SAM leaders only.", access.SetPolicy), h.createProduct)
	register(api, h, op("get-product", http.MethodGet, "/api/v1/products/{id}", "Get a product", "", access.ReadRecords), h.getProduct)
	register(api, h, op("replace-product", http.MethodPut, "/api/v1/products/{id}", "Replace a product", "SAM leaders only. retired: true retires it.", access.SetPolicy), h.putProduct)
	register(api, h, op("delete-product", http.MethodDelete, "/api/v1/products/{id}", "Delete a product",
		"SAM leaders only. A product some roadmap or need refers to cannot be deleted (409): retire it instead.", access.SetPolicy), h.deleteProduct)

	register(api, h, op("get-account-profile", http.MethodGet, "/api/v1/accounts/{id}/profile", "Get an account's customer profile", "version 0: never saved.", access.ReadRecords), h.getProfile)
	register(api, h, op("replace-account-profile", http.MethodPut, "/api/v1/accounts/{id}/profile", "Replace an account's customer profile",
		"Saves every list as a new version. Send the version you edited to be told (409) when someone saved in between; 0 skips the check.", access.WriteRecords), h.putProfile)

	register(api, h, op("get-account-vision", http.MethodGet, "/api/v1/accounts/{id}/vision", "Get an account's business vision",
		"The current vision items; with history=true also every earlier version, newest first.", access.ReadRecords), h.getVision)
	register(api, h, op("create-vision-item", http.MethodPost, "/api/v1/accounts/{id}/vision", "Add a vision item", "", access.WriteRecords), h.createVision)
	register(api, h, op("revise-vision-item", http.MethodPut, "/api/v1/vision/{id}", "Revise a vision item",
		"Supersedes the item with a new one (returned); the old one stays readable in earlier versions, and the needs and roadmap entries that served it serve the new one.", access.WriteRecords), h.reviseVision)
	register(api, h, op("withdraw-vision-item", http.MethodDelete, "/api/v1/vision/{id}", "Withdraw a vision item",
		"Takes it out of the current vision; it stays readable in earlier versions.", access.WriteRecords), h.withdrawVision)

	register(api, h, op("get-account-relationships", http.MethodGet, "/api/v1/accounts/{id}/relationships", "Get an account's relationship matrix",
		"Every stakeholder (those who left included, with their relationships kept as history) with level, function, buying role, "+
			"influence, attitude and, for each of our people, the strength of the relationship and the last touch both attended; "+
			"and the account's coverage findings.", access.ReadRecords), h.getRelationships)
	register(api, h, op("replace-stakeholder-placement", http.MethodPut, "/api/v1/stakeholders/{id}/placement", "Place a stakeholder in the matrix",
		"Function, influence and attitude; left_on (and left_to) records a departure, which makes the stakeholder inactive.", access.WriteRecords), h.putPlacement)
	register(api, h, op("replace-relationship", http.MethodPut, "/api/v1/stakeholders/{id}/relationships/{person_id}", "Set a relationship's strength", "", access.WriteRecords), h.putRelationship)
	register(api, h, op("delete-relationship", http.MethodDelete, "/api/v1/stakeholders/{id}/relationships/{person_id}", "Forget a relationship", "", access.WriteRecords), h.deleteRelationship)
	register(api, h, op("get-coverage", http.MethodGet, "/api/v1/coverage", "List coverage findings", coverageDoc, access.ReadRecords), h.getCoverage)

	register(api, h, op("get-account-roadmap", http.MethodGet, "/api/v1/accounts/{id}/roadmap", "Get an account's technology roadmap", "One entry per assessed product.", access.ReadRecords), h.getRoadmap)
	register(api, h, op("replace-roadmap-entry", http.MethodPut, "/api/v1/accounts/{id}/roadmap/{product_id}", "Set a product's state in an account",
		"needed_for_vision needs vision_item_id.", access.WriteRecords), h.putRoadmap)
	register(api, h, op("delete-roadmap-entry", http.MethodDelete, "/api/v1/accounts/{id}/roadmap/{product_id}", "Forget a product's state in an account", "", access.WriteRecords), h.deleteRoadmap)
	register(api, h, op("get-whitespace", http.MethodGet, "/api/v1/whitespace", "Get the whitespace matrix", whitespaceDoc, access.ReadRecords), h.getWhitespace)

	register(api, h, op("list-account-needs", http.MethodGet, "/api/v1/accounts/{id}/needs", "List an account's needs",
		"Open first, then by priority; with the growth signals: open needs answered by products not in place.", access.ReadRecords), h.listNeeds)
	register(api, h, op("create-need", http.MethodPost, "/api/v1/accounts/{id}/needs", "Add a need", "", access.WriteRecords), h.createNeed)
	register(api, h, op("replace-need", http.MethodPut, "/api/v1/needs/{id}", "Replace a need", "", access.WriteRecords), h.putNeed)
	register(api, h, op("delete-need", http.MethodDelete, "/api/v1/needs/{id}", "Delete a need", "", access.WriteRecords), h.deleteNeed)
}

// ProductInput is what a leader sets on a product.
type ProductInput struct {
	Name        string `json:"name" minLength:"1" maxLength:"200"`
	Family      string `json:"family,omitempty" maxLength:"100"`
	ListPrice   int64  `json:"list_price,omitempty" minimum:"0" doc:"Minor units (cents)."`
	Currency    string `json:"currency,omitempty" maxLength:"3" default:"USD"`
	Description string `json:"description,omitempty" maxLength:"2000"`
	Retired     bool   `json:"retired,omitempty" doc:"No longer offered; kept for history."`
}

// Product is a product of the catalog.
type Product struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Family      string    `json:"family"`
	ListPrice   int64     `json:"list_price" doc:"Minor units."`
	Currency    string    `json:"currency"`
	Description string    `json:"description"`
	Retired     bool      `json:"retired"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func productOut(p intel.Product) Product {
	return Product{ID: p.ID, Name: p.Name, Family: p.Family, ListPrice: p.ListPrice, Currency: p.Currency, Description: p.Description,
		Retired: p.Retired, CreatedAt: instant(p.CreatedAt), UpdatedAt: instant(p.UpdatedAt)}
}

func (in ProductInput) record(id int64) intel.Product {
	return intel.Product{ID: id, Name: in.Name, Family: in.Family, ListPrice: in.ListPrice, Currency: in.Currency,
		Description: in.Description, Retired: in.Retired}
}

type listProductsInput struct {
	Retired bool `query:"retired" doc:"Include retired products."`
}

type itemsOut[T any] struct {
	Body struct {
		Items []T `json:"items" nullable:"false"`
	}
}

func (h *handlers) listProducts(ctx context.Context, in *listProductsInput) (*itemsOut[Product], error) {
	ps, err := h.db.Products(ctx, h.guard.Scope(ctx), in.Retired)
	if err != nil {
		return nil, err
	}
	out := &itemsOut[Product]{}
	out.Body.Items = make([]Product, len(ps))
	for i, p := range ps {
		out.Body.Items[i] = productOut(p)
	}
	return out, nil
}

func (h *handlers) createProduct(ctx context.Context, in *createInput[ProductInput]) (*created[Product], error) {
	p := in.Body.record(0)
	if err := h.db.CreateProduct(ctx, h.guard.Scope(ctx), &p); err != nil {
		return nil, err
	}
	return &created[Product]{Location: location("products", p.ID), Body: productOut(p)}, nil
}

func (h *handlers) getProduct(ctx context.Context, in *getInput) (*one[Product], error) {
	p, err := h.db.Product(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Product]{Body: productOut(p)}, nil
}

func (h *handlers) putProduct(ctx context.Context, in *putInput[ProductInput]) (*one[Product], error) {
	p := in.Body.record(in.ID)
	if err := h.db.UpdateProduct(ctx, h.guard.Scope(ctx), &p); err != nil {
		return nil, err
	}
	return &one[Product]{Body: productOut(p)}, nil
}

func (h *handlers) deleteProduct(ctx context.Context, in *deleteInput) (*struct{}, error) {
	return nil, h.db.DeleteProduct(ctx, h.guard.Scope(ctx), in.ID)
}

// ProfileEntry is one line of a profile list.
type ProfileEntry struct {
	Text          string `json:"text" minLength:"1" maxLength:"500"`
	Note          string `json:"note,omitempty" maxLength:"500"`
	StakeholderID int64  `json:"stakeholder_id,omitempty" minimum:"0" doc:"For buying: the stakeholder of the account, when mapped."`
}

// ProfileInput is a whole customer profile.
type ProfileInput struct {
	Version           int            `json:"version,omitempty" minimum:"0" doc:"The version you edited; 0 skips the check."`
	Summary           string         `json:"summary,omitempty" maxLength:"4000"`
	Buying            []ProfileEntry `json:"buying,omitempty" maxItems:"50" doc:"Who is involved in buying from us."`
	TargetMarkets     []ProfileEntry `json:"target_markets,omitempty" maxItems:"50"`
	GoalsShort        []ProfileEntry `json:"goals_short,omitempty" maxItems:"50" doc:"Short-term goals."`
	GoalsLong         []ProfileEntry `json:"goals_long,omitempty" maxItems:"50" doc:"Long-term goals."`
	IndustrySpecifics []ProfileEntry `json:"industry_specifics,omitempty" maxItems:"50"`
	Offerings         []ProfileEntry `json:"offerings,omitempty" maxItems:"50" doc:"The client's own offerings."`
	TheirCompetitors  []ProfileEntry `json:"their_competitors,omitempty" maxItems:"50" doc:"The client's primary competitors."`
	OurCompetitors    []ProfileEntry `json:"our_competitors,omitempty" maxItems:"50" doc:"Our competitors inside the account."`
}

// Profile is an account's customer profile.
type Profile struct {
	AccountID         int64          `json:"account_id"`
	Version           int            `json:"version" doc:"Counts the saves; 0 when never saved."`
	Summary           string         `json:"summary"`
	Buying            []ProfileEntry `json:"buying" nullable:"false"`
	TargetMarkets     []ProfileEntry `json:"target_markets" nullable:"false"`
	GoalsShort        []ProfileEntry `json:"goals_short" nullable:"false"`
	GoalsLong         []ProfileEntry `json:"goals_long" nullable:"false"`
	IndustrySpecifics []ProfileEntry `json:"industry_specifics" nullable:"false"`
	Offerings         []ProfileEntry `json:"offerings" nullable:"false"`
	TheirCompetitors  []ProfileEntry `json:"their_competitors" nullable:"false"`
	OurCompetitors    []ProfileEntry `json:"our_competitors" nullable:"false"`
	UpdatedAt         *time.Time     `json:"updated_at" doc:"null when never saved."`
}

func entriesIn(es []ProfileEntry) []intel.Entry {
	out := make([]intel.Entry, len(es))
	for i, e := range es {
		out[i] = intel.Entry{Text: e.Text, Note: e.Note}
		if e.StakeholderID != 0 {
			id := e.StakeholderID
			out[i].StakeholderID = &id
		}
	}
	return out
}

func entriesOut(es []intel.Entry) []ProfileEntry {
	out := make([]ProfileEntry, len(es))
	for i, e := range es {
		out[i] = ProfileEntry{Text: e.Text, Note: e.Note}
		if e.StakeholderID != nil {
			out[i].StakeholderID = *e.StakeholderID
		}
	}
	return out
}

func profileOut(p intel.Profile) Profile {
	out := Profile{AccountID: p.AccountID, Version: p.Version, Summary: p.Summary, Buying: entriesOut(p.Buying),
		TargetMarkets: entriesOut(p.TargetMarkets), GoalsShort: entriesOut(p.GoalsShort), GoalsLong: entriesOut(p.GoalsLong),
		IndustrySpecifics: entriesOut(p.IndustrySpecifics), Offerings: entriesOut(p.Offerings),
		TheirCompetitors: entriesOut(p.TheirCompetitors), OurCompetitors: entriesOut(p.OurCompetitors)}
	if !p.UpdatedAt.IsZero() {
		t := instant(p.UpdatedAt)
		out.UpdatedAt = &t
	}
	return out
}

func (h *handlers) getProfile(ctx context.Context, in *getInput) (*one[Profile], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	p, err := h.db.Profile(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Profile]{Body: profileOut(p)}, nil
}

func (h *handlers) putProfile(ctx context.Context, in *putInput[ProfileInput]) (*one[Profile], error) {
	if err := h.editable(ctx, in.ID, partPlan); err != nil {
		return nil, err
	}
	b := in.Body
	p := intel.Profile{AccountID: in.ID, Version: b.Version, Summary: b.Summary, Buying: entriesIn(b.Buying),
		TargetMarkets: entriesIn(b.TargetMarkets), GoalsShort: entriesIn(b.GoalsShort), GoalsLong: entriesIn(b.GoalsLong),
		IndustrySpecifics: entriesIn(b.IndustrySpecifics), Offerings: entriesIn(b.Offerings),
		TheirCompetitors: entriesIn(b.TheirCompetitors), OurCompetitors: entriesIn(b.OurCompetitors)}
	if err := h.db.SetProfile(ctx, h.guard.Scope(ctx), &p); err != nil {
		return nil, err
	}
	return &one[Profile]{Body: profileOut(p)}, nil
}

// VisionItemInput is what a client sets on a vision item.
type VisionItemInput struct {
	HorizonYears        int           `json:"horizon_years" enum:"1,3,5" doc:"1, 3 or 5 years (5 for top-tier accounts)."`
	Text                string        `json:"text" minLength:"1" maxLength:"1000"`
	TargetDate          *account.Date `json:"target_date,omitempty"`
	SourceStakeholderID int64         `json:"source_stakeholder_id,omitempty" minimum:"0" doc:"Who said it: a stakeholder of the account."`
	SourceNote          string        `json:"source_note,omitempty" maxLength:"500" doc:"Where it comes from; required without source_stakeholder_id."`
	StatedOn            account.Date  `json:"stated_on" doc:"When it was said."`
}

func (in VisionItemInput) record(accountID int64) intel.VisionItem {
	v := intel.VisionItem{AccountID: accountID, HorizonYears: in.HorizonYears, Text: in.Text, TargetDate: dateOf(in.TargetDate),
		SourceNote: in.SourceNote, StatedOn: in.StatedOn}
	if in.SourceStakeholderID != 0 {
		id := in.SourceStakeholderID
		v.SourceStakeholderID = &id
	}
	return v
}

// VisionItem is one item of a business vision.
type VisionItem struct {
	ID                  int64         `json:"id"`
	AccountID           int64         `json:"account_id"`
	HorizonYears        int           `json:"horizon_years"`
	Text                string        `json:"text"`
	TargetDate          *account.Date `json:"target_date"`
	SourceStakeholderID *int64        `json:"source_stakeholder_id"`
	SourceName          string        `json:"source_name" doc:"The stakeholder's name, when there is one."`
	SourceNote          string        `json:"source_note"`
	StatedOn            *account.Date `json:"stated_on"`
	Current             bool          `json:"current" doc:"False once revised or withdrawn."`
	SupersededAt        *time.Time    `json:"superseded_at"`
	SupersededBy        *int64        `json:"superseded_by" doc:"The item that replaced it; null when current or withdrawn."`
	CreatedAt           time.Time     `json:"created_at"`
}

func visionOut(v intel.VisionItem) VisionItem {
	out := VisionItem{ID: v.ID, AccountID: v.AccountID, HorizonYears: v.HorizonYears, Text: v.Text, TargetDate: dateOrNil(v.TargetDate),
		SourceStakeholderID: v.SourceStakeholderID, SourceName: v.SourceName, SourceNote: v.SourceNote, StatedOn: dateOrNil(v.StatedOn),
		Current: v.Current(), SupersededBy: v.SupersededBy, CreatedAt: instant(v.CreatedAt)}
	if !v.SupersededAt.IsZero() {
		t := instant(v.SupersededAt)
		out.SupersededAt = &t
	}
	return out
}

// VisionVersion is the vision as it stood after one change.
type VisionVersion struct {
	Version int          `json:"version"`
	At      time.Time    `json:"at"`
	Items   []VisionItem `json:"items" nullable:"false"`
}

// Vision is an account's business vision.
type Vision struct {
	AccountID int64           `json:"account_id"`
	Items     []VisionItem    `json:"items" nullable:"false" doc:"The current vision, by horizon and target date."`
	Versions  []VisionVersion `json:"versions,omitempty" doc:"With history=true: every version, newest first."`
}

type getVisionInput struct {
	IDParam
	History bool `query:"history" doc:"Also return every earlier version."`
}

func (h *handlers) getVision(ctx context.Context, in *getVisionInput) (*one[Vision], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	rows, err := h.db.VisionItems(ctx, h.guard.Scope(ctx), in.ID, in.History)
	if err != nil {
		return nil, err
	}
	out := Vision{AccountID: in.ID, Items: []VisionItem{}}
	for _, r := range rows {
		if r.Current() {
			out.Items = append(out.Items, visionOut(r))
		}
	}
	if in.History {
		for _, v := range intel.VisionVersions(rows) {
			vv := VisionVersion{Version: v.Version, At: instant(v.At), Items: make([]VisionItem, len(v.Items))}
			for i, it := range v.Items {
				vv.Items[i] = visionOut(it)
			}
			out.Versions = append(out.Versions, vv)
		}
	}
	return &one[Vision]{Body: out}, nil
}

func (h *handlers) createVision(ctx context.Context, in *putInput[VisionItemInput]) (*created[VisionItem], error) {
	if err := h.editable(ctx, in.ID, partPlan); err != nil {
		return nil, err
	}
	v := in.Body.record(in.ID)
	if err := h.db.AddVisionItem(ctx, h.guard.Scope(ctx), &v); err != nil {
		return nil, err
	}
	return &created[VisionItem]{Location: location("vision", v.ID), Body: visionOut(v)}, nil
}

func (h *handlers) editableVision(ctx context.Context, id int64) (intel.VisionItem, error) {
	v, err := h.db.VisionItem(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return v, err
	}
	return v, h.editable(ctx, v.AccountID, partPlan)
}

func (h *handlers) reviseVision(ctx context.Context, in *putInput[VisionItemInput]) (*one[VisionItem], error) {
	old, err := h.editableVision(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	v := in.Body.record(old.AccountID)
	if err := h.db.ReviseVisionItem(ctx, h.guard.Scope(ctx), in.ID, &v); err != nil {
		return nil, err
	}
	return &one[VisionItem]{Body: visionOut(v)}, nil
}

func (h *handlers) withdrawVision(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if _, err := h.editableVision(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.WithdrawVisionItem(ctx, h.guard.Scope(ctx), in.ID)
}

// RelationshipLink is one of our people's relationship with a stakeholder.
type RelationshipLink struct {
	PersonID   int64         `json:"person_id"`
	PersonName string        `json:"person_name"`
	Strength   string        `json:"strength" enum:"none,weak,moderate,strong"`
	Note       string        `json:"note"`
	LastTouch  *account.Date `json:"last_touch" doc:"The last touch both attended; null when none."`
}

// MatrixStakeholder is a stakeholder placed in the relationship matrix.
type MatrixStakeholder struct {
	StakeholderID int64              `json:"stakeholder_id"`
	Name          string             `json:"name"`
	Title         string             `json:"title"`
	Level         account.Level      `json:"level" enum:"executive,senior_management,middle_management,operational"`
	Function      string             `json:"function" doc:"Function or business unit; empty when not placed."`
	BuyingRole    account.BuyingRole `json:"buying_role" enum:"decision_maker,influencer,user,champion,blocker,unknown"`
	Influence     int                `json:"influence" minimum:"1" maximum:"5"`
	Attitude      int                `json:"attitude" minimum:"-2" maximum:"2" doc:"-2 strong opponent … 2 strong supporter."`
	Left          bool               `json:"left" doc:"Left the client (or inactive): relationships are history."`
	LeftOn        *account.Date      `json:"left_on"`
	LeftTo        string             `json:"left_to"`
	LastTouch     *account.Date      `json:"last_touch" doc:"The last touch by anyone on our side; null when never."`
	Relationships []RelationshipLink `json:"relationships" nullable:"false"`
}

// Finding is one coverage gap.
type Finding struct {
	Rule            string `json:"rule" enum:"departed_key_player,unknown_decision_maker,influential_blocker,single_threaded,level_gap,quiet_champion"`
	Severity        string `json:"severity" enum:"alert,high,medium"`
	AccountID       int64  `json:"account_id"`
	AccountName     string `json:"account_name"`
	OwnerID         *int64 `json:"owner_id" doc:"The account manager the finding is raised to."`
	OwnerName       string `json:"owner_name"`
	StakeholderID   int64  `json:"stakeholder_id,omitempty"`
	StakeholderName string `json:"stakeholder_name,omitempty"`
	Level           string `json:"level,omitempty"`
	PersonID        int64  `json:"person_id,omitempty" doc:"single_threaded: the one person all strong relationships run through."`
	PersonName      string `json:"person_name,omitempty"`
	Detail          string `json:"detail"`
}

func findingOut(f intel.Finding) Finding {
	return Finding{Rule: string(f.Rule), Severity: string(f.Severity), AccountID: f.AccountID, AccountName: f.AccountName,
		OwnerID: f.OwnerID, OwnerName: f.OwnerName, StakeholderID: f.StakeholderID, StakeholderName: f.StakeholderName,
		Level: string(f.Level), PersonID: f.PersonID, PersonName: f.PersonName, Detail: f.Detail}
}

// RelationshipMatrix is an account's relationship matrix.
type RelationshipMatrix struct {
	AccountID    int64               `json:"account_id"`
	AccountName  string              `json:"account_name"`
	OwnerID      *int64              `json:"owner_id"`
	Levels       []string            `json:"levels" nullable:"false" doc:"The rows of the matrix, top down."`
	Functions    []string            `json:"functions" nullable:"false" doc:"The columns: functions of current stakeholders (\"\" is unplaced)."`
	Stakeholders []MatrixStakeholder `json:"stakeholders" nullable:"false"`
	Findings     []Finding           `json:"findings" nullable:"false" doc:"The account's coverage findings."`
}

func (h *handlers) getRelationships(ctx context.Context, in *getInput) (*one[RelationshipMatrix], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	m, err := h.db.AccountMap(ctx, h.guard.Scope(ctx), in.ID, time.UTC)
	if err != nil {
		return nil, err
	}
	out := RelationshipMatrix{AccountID: m.AccountID, AccountName: m.AccountName, OwnerID: m.OwnerID, Functions: m.Functions(),
		Stakeholders: make([]MatrixStakeholder, len(m.Players)), Findings: []Finding{}}
	for _, l := range account.Levels {
		out.Levels = append(out.Levels, string(l))
	}
	for i, p := range m.Players {
		s := MatrixStakeholder{StakeholderID: p.StakeholderID, Name: p.Name, Title: p.Title, Level: p.Level, Function: p.Function,
			BuyingRole: p.BuyingRole, Influence: p.Influence, Attitude: int(p.Attitude), Left: p.Left(), LeftOn: dateOrNil(p.LeftOn),
			LeftTo: p.LeftTo, LastTouch: dateOrNil(p.LastTouch), Relationships: make([]RelationshipLink, len(p.Links))}
		for j, l := range p.Links {
			s.Relationships[j] = RelationshipLink{PersonID: l.PersonID, PersonName: l.PersonName, Strength: string(l.Strength), Note: l.Note, LastTouch: dateOrNil(l.LastTouch)}
		}
		out.Stakeholders[i] = s
	}
	for _, f := range intel.Coverage(m, h.today(), intel.CoverageOptions{}) {
		out.Findings = append(out.Findings, findingOut(f))
	}
	return &one[RelationshipMatrix]{Body: out}, nil
}

// PlacementInput places a stakeholder in the matrix.
type PlacementInput struct {
	Function  string        `json:"function,omitempty" maxLength:"100" doc:"Function or business unit."`
	Influence int           `json:"influence,omitempty" minimum:"1" maximum:"5" default:"3"`
	Attitude  int           `json:"attitude,omitempty" minimum:"-2" maximum:"2" doc:"-2 strong opponent, -1 opponent, 0 neutral, 1 supporter, 2 strong supporter."`
	LeftOn    *account.Date `json:"left_on,omitempty" doc:"The day they left the client; null while still there."`
	LeftTo    string        `json:"left_to,omitempty" maxLength:"200" doc:"Where they went, if known."`
}

// Placement is a stakeholder's place in the matrix.
type Placement struct {
	StakeholderID int64         `json:"stakeholder_id"`
	Function      string        `json:"function"`
	Influence     int           `json:"influence"`
	Attitude      int           `json:"attitude"`
	LeftOn        *account.Date `json:"left_on"`
	LeftTo        string        `json:"left_to"`
}

func (h *handlers) putPlacement(ctx context.Context, in *putInput[PlacementInput]) (*one[Placement], error) {
	if _, err := h.editableStakeholder(ctx, in.ID); err != nil {
		return nil, err
	}
	m := intel.StakeholderMap{StakeholderID: in.ID, Function: in.Body.Function, Influence: in.Body.Influence,
		Attitude: intel.Attitude(in.Body.Attitude), LeftOn: dateOf(in.Body.LeftOn), LeftTo: in.Body.LeftTo}
	if err := h.db.SetStakeholderMap(ctx, h.guard.Scope(ctx), &m); err != nil {
		return nil, err
	}
	return &one[Placement]{Body: Placement{StakeholderID: m.StakeholderID, Function: m.Function, Influence: m.Influence,
		Attitude: int(m.Attitude), LeftOn: dateOrNil(m.LeftOn), LeftTo: m.LeftTo}}, nil
}

// RelationshipParams address one of our people's relationship with a stakeholder.
type RelationshipParams struct {
	IDParam
	PersonID int64 `path:"person_id" minimum:"1" doc:"One of our people."`
}

// RelationshipInput is the strength of a relationship.
type RelationshipInput struct {
	Strength string `json:"strength" enum:"none,weak,moderate,strong"`
	Note     string `json:"note,omitempty" maxLength:"500"`
}

// Relationship is one of our people's relationship with a stakeholder.
type Relationship struct {
	ID            int64     `json:"id"`
	AccountID     int64     `json:"account_id"`
	StakeholderID int64     `json:"stakeholder_id"`
	PersonID      int64     `json:"person_id"`
	Strength      string    `json:"strength" enum:"none,weak,moderate,strong"`
	Note          string    `json:"note"`
	UpdatedAt     time.Time `json:"updated_at"`
}

type putRelationshipInput struct {
	RelationshipParams
	Body RelationshipInput
}

func (h *handlers) putRelationship(ctx context.Context, in *putRelationshipInput) (*one[Relationship], error) {
	s, err := h.editableStakeholder(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	r := intel.Relationship{AccountID: s.AccountID, StakeholderID: s.ID, PersonID: in.PersonID, Strength: intel.Strength(in.Body.Strength), Note: in.Body.Note}
	if err := h.db.SetRelationship(ctx, h.guard.Scope(ctx), &r); err != nil {
		return nil, err
	}
	return &one[Relationship]{Body: Relationship{ID: r.ID, AccountID: r.AccountID, StakeholderID: r.StakeholderID, PersonID: r.PersonID,
		Strength: string(r.Strength), Note: r.Note, UpdatedAt: instant(r.UpdatedAt)}}, nil
}

func (h *handlers) deleteRelationship(ctx context.Context, in *RelationshipParams) (*struct{}, error) {
	if _, err := h.editableStakeholder(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteRelationship(ctx, h.guard.Scope(ctx), in.ID, in.PersonID)
}

type coverageInput struct {
	Rule         string `query:"rule" enum:"departed_key_player,unknown_decision_maker,influential_blocker,single_threaded,level_gap,quiet_champion" doc:"Only findings of this rule."`
	Account      int64  `query:"account" minimum:"1" doc:"Only findings of this account."`
	QuietDays    int    `query:"quiet_days" minimum:"1" maximum:"3650" default:"60" doc:"A champion not touched for more days than this has gone quiet."`
	DepartedDays int    `query:"departed_days" minimum:"1" maximum:"3650" default:"90" doc:"Departures are raised for this many days."`
	Limit        int    `query:"limit" minimum:"1" maximum:"1000" default:"1000" doc:"Findings per page."`
	Cursor       string `query:"cursor" maxLength:"2000" doc:"Opaque cursor: the next_cursor of the previous page. Keep the other parameters the same."`
}

// CoverageReport is the list of coverage findings, one page of them.
type CoverageReport struct {
	AsOf       account.Date   `json:"as_of"`
	Counts     map[string]int `json:"counts" doc:"Findings per rule (of the rule asked for), on every page; rules without findings are left out."`
	Total      int            `json:"total" doc:"Findings on every page: the sum of counts."`
	Findings   []Finding      `json:"findings" nullable:"false" doc:"The findings of this page, by rule, account name and stakeholder."`
	NextCursor string         `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page."`
}

// coverageCursor and parseCoverageCursor carry a finding's place in the
// list's order (store.CoverageKey) between pages: a place, not an offset, so
// findings raised or resolved between pages shift nothing.
func coverageCursor(k store.CoverageKey) string {
	b, _ := json.Marshal([]any{k.Rule, k.AccountName, k.AccountID, k.Level, k.StakeholderName, k.StakeholderID})
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseCoverageCursor(c string) (store.CoverageKey, error) {
	bad := account.Invalid("cursor", "is not a cursor this list returned")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return store.CoverageKey{}, bad
	}
	var k store.CoverageKey
	var parts []json.RawMessage
	fields := []any{&k.Rule, &k.AccountName, &k.AccountID, &k.Level, &k.StakeholderName, &k.StakeholderID}
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != len(fields) {
		return store.CoverageKey{}, bad
	}
	for i, p := range parts {
		if err := json.Unmarshal(p, fields[i]); err != nil {
			return store.CoverageKey{}, bad
		}
	}
	if r, err := intel.ParseRule(string(k.Rule)); err != nil || r == "" || k.AccountID <= 0 || k.StakeholderID < 0 ||
		(k.Level != "" && !slices.Contains(account.Levels, k.Level)) {
		return store.CoverageKey{}, bad
	}
	return k, nil
}

func (h *handlers) getCoverage(ctx context.Context, in *coverageInput) (*one[CoverageReport], error) {
	scope := store.MapScope{VisibleTo: h.guard.VisibleTo(ctx)}
	today := h.today()
	out := CoverageReport{AsOf: today, Counts: map[string]int{}, Findings: []Finding{}}
	var after store.CoverageKey
	if in.Cursor != "" {
		var err error
		if after, err = parseCoverageCursor(in.Cursor); err != nil {
			return nil, err
		}
		if (in.Rule != "" && string(after.Rule) != in.Rule) || (in.Account != 0 && after.AccountID != in.Account) {
			return nil, account.Invalid("cursor", "is of another list: keep rule and account as they were")
		}
	}
	if in.Account != 0 {
		if ok, err := h.filterable(ctx, in.Account); err != nil {
			return nil, err
		} else if !ok {
			return &one[CoverageReport]{Body: out}, nil
		}
		scope = store.MapScope{AccountID: in.Account}
	}
	// One more than the page: whether there is a next one.
	list, err := h.db.CoverageListAfter(ctx, h.guard.Scope(ctx), scope, today,
		intel.CoverageOptions{QuietDays: in.QuietDays, DepartedDays: in.DepartedDays}, time.UTC, intel.Rule(in.Rule), after, in.Limit+1)
	if err != nil {
		return nil, err
	}
	for r, n := range list.Counts {
		if n > 0 && (in.Rule == "" || string(r) == in.Rule) {
			out.Counts[string(r)] = n
		}
	}
	out.Total = list.Matching
	fs := list.Findings
	if len(fs) > in.Limit {
		fs = fs[:in.Limit]
		out.NextCursor = coverageCursor(store.CoverageKeyOf(fs[len(fs)-1]))
	}
	for _, f := range fs {
		out.Findings = append(out.Findings, findingOut(f))
	}
	return &one[CoverageReport]{Body: out}, nil
}

// RoadmapInput is a product's state in an account.
type RoadmapInput struct {
	State          string        `json:"state" enum:"in_place,not_used,could_use,needed_for_vision,not_relevant"`
	Since          *account.Date `json:"since,omitempty" doc:"in_place / not_used: since when."`
	ContractID     int64         `json:"contract_id,omitempty" minimum:"0" doc:"in_place / not_used: under which contract of the account."`
	Fit            int           `json:"fit,omitempty" minimum:"0" maximum:"5" doc:"could_use: how well it fits, 1-5 (0 not rated)."`
	EstimatedValue int64         `json:"estimated_value,omitempty" minimum:"0" doc:"could_use / needed_for_vision: minor units."`
	VisionItemID   int64         `json:"vision_item_id,omitempty" minimum:"0" doc:"needed_for_vision: the vision item of the account that needs it."`
	OpportunityID  int64         `json:"opportunity_id,omitempty" minimum:"0" doc:"The opportunity of the account pursuing it."`
	Note           string        `json:"note,omitempty" maxLength:"1000"`
}

// RoadmapEntry is a product's state in an account.
type RoadmapEntry struct {
	ID             int64         `json:"id"`
	AccountID      int64         `json:"account_id"`
	ProductID      int64         `json:"product_id"`
	ProductName    string        `json:"product_name"`
	State          string        `json:"state" enum:"in_place,not_used,could_use,needed_for_vision,not_relevant"`
	Since          *account.Date `json:"since"`
	ContractID     *int64        `json:"contract_id"`
	Fit            int           `json:"fit"`
	EstimatedValue int64         `json:"estimated_value"`
	VisionItemID   *int64        `json:"vision_item_id"`
	OpportunityID  *int64        `json:"opportunity_id"`
	Note           string        `json:"note"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

func roadmapOut(r intel.RoadmapItem) RoadmapEntry {
	return RoadmapEntry{ID: r.ID, AccountID: r.AccountID, ProductID: r.ProductID, ProductName: r.ProductName, State: string(r.State),
		Since: dateOrNil(r.Since), ContractID: r.ContractID, Fit: r.Fit, EstimatedValue: r.EstimatedValue, VisionItemID: r.VisionItemID,
		OpportunityID: r.OpportunityID, Note: r.Note, UpdatedAt: instant(r.UpdatedAt)}
}

func optID(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

func (h *handlers) getRoadmap(ctx context.Context, in *getInput) (*itemsOut[RoadmapEntry], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	rs, err := h.db.Roadmap(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &itemsOut[RoadmapEntry]{}
	out.Body.Items = make([]RoadmapEntry, len(rs))
	for i, r := range rs {
		out.Body.Items[i] = roadmapOut(r)
	}
	return out, nil
}

// RoadmapParams address one product in an account's roadmap.
type RoadmapParams struct {
	IDParam
	ProductID int64 `path:"product_id" minimum:"1" doc:"A product of the catalog."`
}

type putRoadmapInput struct {
	RoadmapParams
	Body RoadmapInput
}

func (h *handlers) putRoadmap(ctx context.Context, in *putRoadmapInput) (*one[RoadmapEntry], error) {
	if err := h.editable(ctx, in.ID, partTechnology); err != nil {
		return nil, err
	}
	b := in.Body
	r := intel.RoadmapItem{AccountID: in.ID, ProductID: in.ProductID, State: intel.State(b.State), Since: dateOf(b.Since),
		ContractID: optID(b.ContractID), Fit: b.Fit, EstimatedValue: b.EstimatedValue, VisionItemID: optID(b.VisionItemID),
		OpportunityID: optID(b.OpportunityID), Note: b.Note}
	if err := h.db.SetRoadmapItem(ctx, h.guard.Scope(ctx), &r); err != nil {
		return nil, err
	}
	return &one[RoadmapEntry]{Body: roadmapOut(r)}, nil
}

func (h *handlers) deleteRoadmap(ctx context.Context, in *RoadmapParams) (*struct{}, error) {
	if err := h.editable(ctx, in.ID, partTechnology); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteRoadmapItem(ctx, h.guard.Scope(ctx), in.ID, in.ProductID)
}

// WhitespaceCell is one account × product square.
type WhitespaceCell struct {
	ProductID      int64  `json:"product_id"`
	State          string `json:"state" enum:"in_place,not_used,could_use,needed_for_vision,not_relevant,not_assessed"`
	EstimatedValue int64  `json:"estimated_value"`
	Fit            int    `json:"fit"`
	OpportunityID  *int64 `json:"opportunity_id"`
}

// WhitespaceRow is one account's row.
type WhitespaceRow struct {
	AccountID   int64            `json:"account_id"`
	AccountName string           `json:"account_name"`
	Cells       []WhitespaceCell `json:"cells" nullable:"false" doc:"One per product, in the order of products."`
	Total       int64            `json:"total" doc:"Estimated whitespace value of the account."`
}

// WhitespaceColumn is one product's column.
type WhitespaceColumn struct {
	ProductID int64  `json:"product_id"`
	Name      string `json:"name"`
	Family    string `json:"family"`
	Total     int64  `json:"total" doc:"Estimated whitespace value of the product."`
	InPlace   int    `json:"in_place" doc:"Accounts where it is in place."`
	Open      int    `json:"open" doc:"Accounts where it is whitespace."`
}

// Whitespace is the portfolio's whitespace matrix.
type Whitespace struct {
	Products []WhitespaceColumn `json:"products" nullable:"false"`
	Accounts []WhitespaceRow    `json:"accounts" nullable:"false"`
	Total    int64              `json:"total"`
}

func (h *handlers) getWhitespace(ctx context.Context, _ *struct{}) (*one[Whitespace], error) {
	m, err := h.db.Whitespace(ctx, h.guard.Scope(ctx), h.guard.VisibleTo(ctx))
	if err != nil {
		return nil, err
	}
	out := Whitespace{Products: make([]WhitespaceColumn, len(m.Products)), Accounts: make([]WhitespaceRow, len(m.Rows)), Total: m.Total}
	for i, c := range m.Products {
		out.Products[i] = WhitespaceColumn{ProductID: c.Product.ID, Name: c.Product.Name, Family: c.Product.Family, Total: c.Total, InPlace: c.InPlace, Open: c.Open}
	}
	for i, r := range m.Rows {
		row := WhitespaceRow{AccountID: r.AccountID, AccountName: r.AccountName, Total: r.Total, Cells: make([]WhitespaceCell, len(r.Cells))}
		for j, c := range r.Cells {
			state := string(c.State)
			if state == "" {
				state = "not_assessed"
			}
			row.Cells[j] = WhitespaceCell{ProductID: c.ProductID, State: state, EstimatedValue: c.EstimatedValue, Fit: c.Fit, OpportunityID: c.OpportunityID}
		}
		out.Accounts[i] = row
	}
	return &one[Whitespace]{Body: out}, nil
}

// NeedInput is what a client sets on a need.
type NeedInput struct {
	Text         string  `json:"text" minLength:"1" maxLength:"1000"`
	Horizon      string  `json:"horizon,omitempty" enum:"current,future" default:"current"`
	Priority     string  `json:"priority,omitempty" enum:"high,medium,low" default:"medium"`
	VisionItemID int64   `json:"vision_item_id,omitempty" minimum:"0" doc:"The vision item of the account it serves."`
	Status       string  `json:"status,omitempty" enum:"open,addressed,no_fit" default:"open"`
	Note         string  `json:"note,omitempty" maxLength:"1000"`
	ProductIDs   []int64 `json:"product_ids,omitempty" maxItems:"50" doc:"The offerings that answer it."`
}

// Need is a current or anticipated need of the client.
type Need struct {
	ID           int64     `json:"id"`
	AccountID    int64     `json:"account_id"`
	Text         string    `json:"text"`
	Horizon      string    `json:"horizon" enum:"current,future"`
	Priority     string    `json:"priority" enum:"high,medium,low"`
	VisionItemID *int64    `json:"vision_item_id"`
	Status       string    `json:"status" enum:"open,addressed,no_fit"`
	Note         string    `json:"note"`
	ProductIDs   []int64   `json:"product_ids" nullable:"false"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func needOut(n intel.Need) Need {
	ids := n.ProductIDs
	if ids == nil {
		ids = []int64{}
	}
	return Need{ID: n.ID, AccountID: n.AccountID, Text: n.Text, Horizon: string(n.Horizon), Priority: string(n.Priority),
		VisionItemID: n.VisionItemID, Status: string(n.Status), Note: n.Note, ProductIDs: ids, UpdatedAt: instant(n.UpdatedAt)}
}

func (in NeedInput) record(id, accountID int64) intel.Need {
	return intel.Need{ID: id, AccountID: accountID, Text: in.Text, Horizon: intel.Horizon(in.Horizon), Priority: intel.Priority(in.Priority),
		VisionItemID: optID(in.VisionItemID), Status: intel.NeedStatus(in.Status), Note: in.Note, ProductIDs: in.ProductIDs}
}

// GrowthSignal is an open need answered by a product not in place.
type GrowthSignal struct {
	NeedID    int64  `json:"need_id"`
	ProductID int64  `json:"product_id"`
	Priority  string `json:"priority"`
	State     string `json:"state" doc:"The product's roadmap state; empty when not assessed."`
}

// Needs is an account's needs assessment.
type Needs struct {
	Items   []Need         `json:"items" nullable:"false"`
	Signals []GrowthSignal `json:"signals" nullable:"false"`
}

func (h *handlers) listNeeds(ctx context.Context, in *getInput) (*one[Needs], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	sc := h.guard.Scope(ctx)
	ns, err := h.db.Needs(ctx, sc, in.ID)
	if err != nil {
		return nil, err
	}
	rm, err := h.db.Roadmap(ctx, sc, in.ID)
	if err != nil {
		return nil, err
	}
	out := Needs{Items: make([]Need, len(ns)), Signals: []GrowthSignal{}}
	for i, n := range ns {
		out.Items[i] = needOut(n)
	}
	for _, s := range intel.GrowthSignals(ns, rm) {
		out.Signals = append(out.Signals, GrowthSignal{NeedID: s.NeedID, ProductID: s.ProductID, Priority: string(s.Priority), State: string(s.State)})
	}
	return &one[Needs]{Body: out}, nil
}

func (h *handlers) createNeed(ctx context.Context, in *putInput[NeedInput]) (*created[Need], error) {
	if err := h.editable(ctx, in.ID, partPlan); err != nil {
		return nil, err
	}
	n := in.Body.record(0, in.ID)
	if err := h.db.CreateNeed(ctx, h.guard.Scope(ctx), &n); err != nil {
		return nil, err
	}
	return &created[Need]{Location: location("needs", n.ID), Body: needOut(n)}, nil
}

func (h *handlers) editableNeed(ctx context.Context, id int64) (intel.Need, error) {
	n, err := h.db.Need(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return n, err
	}
	return n, h.editable(ctx, n.AccountID, partPlan)
}

func (h *handlers) putNeed(ctx context.Context, in *putInput[NeedInput]) (*one[Need], error) {
	old, err := h.editableNeed(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	n := in.Body.record(in.ID, old.AccountID)
	if err := h.db.UpdateNeed(ctx, h.guard.Scope(ctx), &n); err != nil {
		return nil, err
	}
	return &one[Need]{Body: needOut(n)}, nil
}

func (h *handlers) deleteNeed(ctx context.Context, in *deleteInput) (*struct{}, error) {
	if _, err := h.editableNeed(ctx, in.ID); err != nil {
		return nil, err
	}
	return nil, h.db.DeleteNeed(ctx, h.guard.Scope(ctx), in.ID)
}
