package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
)

// This file keeps the products catalog, the customer profile and the
// business vision (tables of migration 00008). intel_matrix.go keeps the
// relationship matrix and coverage, intel_roadmap.go the roadmap, the
// whitespace and the needs.

const productCols = `id, name, family, list_price, currency, description, retired_at, created_at, updated_at`

func scanProduct(r rowScanner) (intel.Product, error) {
	var p intel.Product
	var retired, created, updated int64
	err := r.Scan(&p.ID, &p.Name, &p.Family, &p.ListPrice, &p.Currency, &p.Description, &retired, &created, &updated)
	p.Retired = retired != 0
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return p, err
}

// Products lists the catalog by family and name; retired products only
// when asked.
func (db *DB) Products(ctx context.Context, sc account.Scope, withRetired bool) ([]intel.Product, error) {
	var out []intel.Product
	err := db.read(ctx, func(tx *Tx) (err error) {
		out, err = tx.products(sc.OrgID, withRetired)
		return err
	})
	return out, err
}

func (tx *Tx) products(orgID int64, withRetired bool) ([]intel.Product, error) {
	q := `SELECT ` + productCols + ` FROM products WHERE org_id = $1`
	if !withRetired {
		q += ` AND retired_at = 0`
	}
	out := []intel.Product{}
	err := tx.each(q+` ORDER BY family, name, id`, []any{orgID}, func(r *sql.Rows) error {
		p, err := scanProduct(r)
		out = append(out, p)
		return err
	})
	return out, err
}

// Product returns one product.
func (db *DB) Product(ctx context.Context, sc account.Scope, id int64) (intel.Product, error) {
	var p intel.Product
	err := db.read(ctx, func(tx *Tx) (err error) {
		p, err = tx.product(sc.OrgID, id)
		return err
	})
	return p, err
}

func (tx *Tx) product(orgID, id int64) (intel.Product, error) {
	p, err := scanProduct(tx.QueryRow(`SELECT `+productCols+` FROM products WHERE org_id = $1 AND id = $2`, orgID, id))
	if isNoRows(err) {
		return p, account.Errorf(account.ENOTFOUND, "Product %d not found.", id)
	}
	return p, err
}

func (tx *Tx) productNameTaken(orgID, id int64, name string) error {
	var n int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM products WHERE org_id = $1 AND lower(name) = $2 AND id <> $3`,
		orgID, strings.ToLower(name), id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return &account.Error{Code: account.ECONFLICT, Message: "A product with this name already exists.",
			Fields: []account.FieldError{{Field: "name", Message: "is already in the catalog"}}}
	}
	return nil
}

// CreateProduct validates and adds a product to the catalog.
func (db *DB) CreateProduct(ctx context.Context, sc account.Scope, p *intel.Product) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.productNameTaken(sc.OrgID, 0, p.Name); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		retired := int64(0)
		if p.Retired {
			retired = ms(tx.now)
		}
		err := tx.QueryRow(`INSERT INTO products (org_id, name, family, list_price, currency, description, retired_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			sc.OrgID, p.Name, p.Family, p.ListPrice, p.Currency, p.Description, retired, ms(tx.now)).Scan(&p.ID)
		if err != nil {
			return err
		}
		return tx.audit(sc, "create", "product", p.ID, 0, nil, p)
	})
}

// UpdateProduct replaces every editable field of product p.ID (Retired
// retires it or brings it back).
func (db *DB) UpdateProduct(ctx context.Context, sc account.Scope, p *intel.Product) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.product(sc.OrgID, p.ID)
		if err != nil {
			return err
		}
		if err := tx.productNameTaken(sc.OrgID, p.ID, p.Name); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = old.CreatedAt, tx.now
		_, err = tx.Exec(`UPDATE products SET name = $3, family = $4, list_price = $5, currency = $6, description = $7,
			retired_at = CASE WHEN $8 = 0 THEN 0 WHEN retired_at > 0 THEN retired_at ELSE $9 END, updated_at = $9
			WHERE org_id = $1 AND id = $2`,
			sc.OrgID, p.ID, p.Name, p.Family, p.ListPrice, p.Currency, p.Description, boolInt(p.Retired), ms(tx.now))
		if err != nil {
			return err
		}
		return tx.audit(sc, "update", "product", p.ID, 0, &old, p)
	})
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// DeleteProduct removes a product nobody's roadmap or needs refer to; a
// product in use must be retired instead (ECONFLICT).
func (db *DB) DeleteProduct(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.product(sc.OrgID, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(`SELECT (SELECT COUNT(*) FROM roadmap_items WHERE org_id = $1 AND product_id = $2)
			+ (SELECT COUNT(*) FROM need_products WHERE org_id = $1 AND product_id = $2)`, sc.OrgID, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return account.Errorf(account.ECONFLICT, "%s is used in %d roadmap entries or needs: retire it instead.", old.Name, n)
		}
		if _, err := tx.Exec(`DELETE FROM products WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "product", id, 0, &old, nil)
	})
}

// Profile returns an account's customer profile (Version 0 when never
// saved).
func (db *DB) Profile(ctx context.Context, sc account.Scope, accountID int64) (intel.Profile, error) {
	var p intel.Profile
	err := db.read(ctx, func(tx *Tx) (err error) {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		p, err = tx.profile(sc.OrgID, accountID)
		return err
	})
	return p, err
}

func (tx *Tx) profile(orgID, accountID int64) (intel.Profile, error) {
	p := intel.Profile{AccountID: accountID}
	var updated int64
	err := tx.QueryRow(`SELECT version, summary, updated_at, updated_by FROM account_profiles WHERE org_id = $1 AND account_id = $2`,
		orgID, accountID).Scan(&p.Version, &p.Summary, &updated, &p.UpdatedBy)
	if isNoRows(err) {
		return emptyLists(p), nil
	}
	if err != nil {
		return p, err
	}
	p.UpdatedAt = fromMS(updated)
	p = emptyLists(p)
	err = tx.each(`SELECT section, text, note, stakeholder_id FROM account_profile_items WHERE org_id = $1 AND account_id = $2
		ORDER BY section, position, id`, []any{orgID, accountID}, func(r *sql.Rows) error {
		var e intel.Entry
		var s string
		var sh sql.NullInt64
		if err := r.Scan(&s, &e.Text, &e.Note, &sh); err != nil {
			return err
		}
		e.StakeholderID = idPtr(sh)
		if l := p.List(intel.Section(s)); l != nil {
			*l = append(*l, e)
		}
		return nil
	})
	return p, err
}

// emptyLists makes every list non-nil, so JSON shows [] rather than null.
func emptyLists(p intel.Profile) intel.Profile {
	for _, s := range intel.Sections {
		if l := p.List(s); *l == nil {
			*l = []intel.Entry{}
		}
	}
	return p
}

// SetProfile saves an account's whole customer profile as its next version.
// When p.Version is not 0 it must be the version the edit started from
// (ECONFLICT otherwise: someone saved in between).
func (db *DB) SetProfile(ctx context.Context, sc account.Scope, p *intel.Profile) error {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, p.AccountID); err != nil {
			return err
		}
		old, err := tx.profile(sc.OrgID, p.AccountID)
		if err != nil {
			return err
		}
		if p.Version != 0 && p.Version != old.Version {
			return account.Errorf(account.ECONFLICT, "The profile was changed by someone else (version %d, you edited %d): reload it.", old.Version, p.Version)
		}
		for _, e := range p.Buying {
			if e.StakeholderID != nil {
				if err := tx.checkStakeholder("buying.stakeholder_id", sc.OrgID, p.AccountID, *e.StakeholderID); err != nil {
					return err
				}
			}
		}
		p.Version = old.Version + 1
		p.UpdatedAt, p.UpdatedBy = tx.now, sc.UserID
		if _, err := tx.Exec(`INSERT INTO account_profiles (org_id, account_id, version, summary, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (org_id, account_id) DO UPDATE SET version = excluded.version, summary = excluded.summary,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			sc.OrgID, p.AccountID, p.Version, p.Summary, ms(tx.now), sc.UserID); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM account_profile_items WHERE org_id = $1 AND account_id = $2`, sc.OrgID, p.AccountID); err != nil {
			return err
		}
		for _, s := range intel.Sections {
			for i, e := range *p.List(s) {
				if _, err := tx.Exec(`INSERT INTO account_profile_items (org_id, account_id, section, position, text, note, stakeholder_id)
					VALUES ($1, $2, $3, $4, $5, $6, $7)`, sc.OrgID, p.AccountID, string(s), i, e.Text, e.Note, nullID(e.StakeholderID)); err != nil {
					return err
				}
			}
		}
		*p = emptyLists(*p)
		a, b := profileAudit(old), profileAudit(*p)
		action := "update"
		if old.Version == 0 {
			action = "create"
		}
		return tx.audit(sc, action, "account_profile", p.AccountID, p.AccountID, &a, &b)
	})
}

// profileAudit is the profile as the audit trail compares it: without the
// bookkeeping fields, so that a save changing nothing records nothing.
type profileAuditView struct {
	Summary           string        `json:"summary"`
	Buying            []intel.Entry `json:"buying"`
	TargetMarkets     []intel.Entry `json:"target_markets"`
	GoalsShort        []intel.Entry `json:"goals_short"`
	GoalsLong         []intel.Entry `json:"goals_long"`
	IndustrySpecifics []intel.Entry `json:"industry_specifics"`
	Offerings         []intel.Entry `json:"offerings"`
	TheirCompetitors  []intel.Entry `json:"their_competitors"`
	OurCompetitors    []intel.Entry `json:"our_competitors"`
}

func profileAudit(p intel.Profile) profileAuditView {
	return profileAuditView{p.Summary, p.Buying, p.TargetMarkets, p.GoalsShort, p.GoalsLong, p.IndustrySpecifics,
		p.Offerings, p.TheirCompetitors, p.OurCompetitors}
}

const visionCols = `v.id, v.account_id, v.horizon_years, v.text, v.target_date, v.source_stakeholder_id, COALESCE(s.name, ''),
	v.source_note, v.stated_on, v.version, v.superseded_at, v.superseded_by, v.created_at, v.created_by`

const visionFrom = ` FROM vision_items v LEFT JOIN stakeholders s ON s.org_id = v.org_id AND s.id = v.source_stakeholder_id`

func scanVision(r rowScanner) (intel.VisionItem, error) {
	var v intel.VisionItem
	var target, stated string
	var src, by sql.NullInt64
	var sup, created int64
	err := r.Scan(&v.ID, &v.AccountID, &v.HorizonYears, &v.Text, &target, &src, &v.SourceName, &v.SourceNote, &stated,
		&v.Version, &sup, &by, &created, &v.CreatedBy)
	v.TargetDate, v.StatedOn = parseDate(target), parseDate(stated)
	v.SourceStakeholderID, v.SupersededBy = idPtr(src), idPtr(by)
	v.SupersededAt, v.CreatedAt = fromMS(sup), fromMS(created)
	return v, err
}

// VisionItems lists an account's vision items by horizon and target date:
// the current vision, or with all every row ever written (superseded ones
// included; intel.VisionVersions rebuilds the versions from them).
func (db *DB) VisionItems(ctx context.Context, sc account.Scope, accountID int64, all bool) ([]intel.VisionItem, error) {
	var out []intel.VisionItem
	err := db.read(ctx, func(tx *Tx) (err error) {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		out, err = tx.visionItems(sc.OrgID, accountID, all)
		return err
	})
	return out, err
}

func (tx *Tx) visionItems(orgID, accountID int64, all bool) ([]intel.VisionItem, error) {
	q := `SELECT ` + visionCols + visionFrom + ` WHERE v.org_id = $1 AND v.account_id = $2`
	if !all {
		q += ` AND v.superseded_at = 0`
	}
	out := []intel.VisionItem{}
	err := tx.each(q+` ORDER BY v.horizon_years, v.target_date, v.id`, []any{orgID, accountID}, func(r *sql.Rows) error {
		v, err := scanVision(r)
		out = append(out, v)
		return err
	})
	return out, err
}

// VisionItem returns one vision item (current or superseded).
func (db *DB) VisionItem(ctx context.Context, sc account.Scope, id int64) (intel.VisionItem, error) {
	var v intel.VisionItem
	err := db.read(ctx, func(tx *Tx) (err error) {
		v, err = tx.visionItem(sc.OrgID, id)
		return err
	})
	return v, err
}

func (tx *Tx) visionItem(orgID, id int64) (intel.VisionItem, error) {
	v, err := scanVision(tx.QueryRow(`SELECT `+visionCols+visionFrom+` WHERE v.org_id = $1 AND v.id = $2`, orgID, id))
	if isNoRows(err) {
		return v, account.Errorf(account.ENOTFOUND, "Vision item %d not found.", id)
	}
	return v, err
}

// checkVisionItem checks that an optional vision item link is a vision item
// of the account.
func (tx *Tx) checkVisionItem(field string, orgID, accountID int64, id *int64) error {
	if id == nil {
		return nil
	}
	var n int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM vision_items WHERE org_id = $1 AND account_id = $2 AND id = $3`,
		orgID, accountID, *id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return account.Invalid(field, "refers to no vision item of this account")
	}
	return nil
}

func (tx *Tx) insertVision(sc account.Scope, v *intel.VisionItem) error {
	if err := tx.checkStakeholder("source_stakeholder_id", sc.OrgID, v.AccountID, deref(v.SourceStakeholderID)); err != nil {
		return err
	}
	if err := tx.QueryRow(`SELECT COALESCE(MAX(version), 0) + 1 FROM vision_items WHERE org_id = $1 AND account_id = $2`,
		sc.OrgID, v.AccountID).Scan(&v.Version); err != nil {
		return err
	}
	v.CreatedAt, v.CreatedBy, v.SupersededAt, v.SupersededBy = tx.now, sc.UserID, time.Time{}, nil
	return tx.QueryRow(`INSERT INTO vision_items (org_id, account_id, horizon_years, text, target_date, source_stakeholder_id,
		source_note, stated_on, version, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		sc.OrgID, v.AccountID, v.HorizonYears, v.Text, v.TargetDate.String(), nullID(v.SourceStakeholderID), v.SourceNote,
		v.StatedOn.String(), v.Version, ms(tx.now), sc.UserID).Scan(&v.ID)
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// AddVisionItem adds an item to an account's current vision.
func (db *DB) AddVisionItem(ctx context.Context, sc account.Scope, v *intel.VisionItem) error {
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, v.AccountID); err != nil {
			return err
		}
		if err := tx.insertVision(sc, v); err != nil {
			return err
		}
		if err := tx.touchAccountSourceName(sc.OrgID, v); err != nil {
			return err
		}
		return tx.audit(sc, "create", "vision_item", v.ID, v.AccountID, nil, visionAudit(*v))
	})
}

func (tx *Tx) touchAccountSourceName(orgID int64, v *intel.VisionItem) error {
	v.SourceName = ""
	if v.SourceStakeholderID == nil {
		return nil
	}
	return tx.QueryRow(`SELECT name FROM stakeholders WHERE org_id = $1 AND id = $2`, orgID, *v.SourceStakeholderID).Scan(&v.SourceName)
}

// ReviseVisionItem replaces current vision item id with v: the old row is
// kept, superseded by the new one, and the needs and roadmap entries that
// served the old row now serve the new one. v gets the new row's id.
func (db *DB) ReviseVisionItem(ctx context.Context, sc account.Scope, id int64, v *intel.VisionItem) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.visionItem(sc.OrgID, id)
		if err != nil {
			return err
		}
		if !old.Current() {
			return account.Errorf(account.ECONFLICT, "Vision item %d was already revised or withdrawn.", id)
		}
		v.AccountID = old.AccountID
		v.Normalize()
		if err := v.Validate(); err != nil {
			return err
		}
		if err := tx.insertVision(sc, v); err != nil {
			return err
		}
		if err := tx.touchAccountSourceName(sc.OrgID, v); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE vision_items SET superseded_at = $3, superseded_by = $4 WHERE org_id = $1 AND id = $2`,
			sc.OrgID, id, ms(tx.now), v.ID); err != nil {
			return err
		}
		for _, table := range []string{"needs", "roadmap_items"} {
			if _, err := tx.Exec(`UPDATE `+table+` SET vision_item_id = $3 WHERE org_id = $1 AND vision_item_id = $2`,
				sc.OrgID, id, v.ID); err != nil {
				return err
			}
		}
		a, b := visionAudit(old), visionAudit(*v)
		a.Replaces, b.Replaces = 0, id
		return tx.audit(sc, "update", "vision_item", v.ID, v.AccountID, a, b)
	})
}

// WithdrawVisionItem takes a current item out of the vision; it stays
// readable in earlier versions.
func (db *DB) WithdrawVisionItem(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.visionItem(sc.OrgID, id)
		if err != nil {
			return err
		}
		if !old.Current() {
			return account.Errorf(account.ECONFLICT, "Vision item %d was already revised or withdrawn.", id)
		}
		if _, err := tx.Exec(`UPDATE vision_items SET superseded_at = $3 WHERE org_id = $1 AND id = $2`, sc.OrgID, id, ms(tx.now)); err != nil {
			return err
		}
		return tx.audit(sc, "withdraw", "vision_item", id, old.AccountID, visionAudit(old), nil)
	})
}

// visionAuditView is a vision item as the audit trail records it.
type visionAuditView struct {
	HorizonYears        int    `json:"horizon_years"`
	Text                string `json:"text"`
	TargetDate          string `json:"target_date"`
	SourceStakeholderID *int64 `json:"source_stakeholder_id"`
	SourceNote          string `json:"source_note"`
	StatedOn            string `json:"stated_on"`
	Replaces            int64  `json:"replaces,omitempty"`
}

func visionAudit(v intel.VisionItem) *visionAuditView {
	return &visionAuditView{v.HorizonYears, v.Text, v.TargetDate.String(), v.SourceStakeholderID, v.SourceNote, v.StatedOn.String(), 0}
}
