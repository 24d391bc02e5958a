package store

import (
	"context"
	"database/sql"
	"slices"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
)

const roadmapCols = `r.id, r.account_id, r.product_id, p.name, r.state, r.since, r.contract_id, r.fit, r.estimated_value,
	r.vision_item_id, r.opportunity_id, r.note, r.created_at, r.updated_at`

const roadmapFrom = ` FROM roadmap_items r JOIN products p ON p.org_id = r.org_id AND p.id = r.product_id`

func scanRoadmap(r rowScanner) (intel.RoadmapItem, error) {
	var x intel.RoadmapItem
	var since string
	var contract, vision, opp sql.NullInt64
	var created, updated int64
	err := r.Scan(&x.ID, &x.AccountID, &x.ProductID, &x.ProductName, &x.State, &since, &contract, &x.Fit, &x.EstimatedValue,
		&vision, &opp, &x.Note, &created, &updated)
	x.Since = parseDate(since)
	x.ContractID, x.VisionItemID, x.OpportunityID = idPtr(contract), idPtr(vision), idPtr(opp)
	x.CreatedAt, x.UpdatedAt = fromMS(created), fromMS(updated)
	return x, err
}

// Roadmap lists an account's technology roadmap: one entry per assessed
// product, by product family and name.
func (db *DB) Roadmap(ctx context.Context, sc account.Scope, accountID int64) ([]intel.RoadmapItem, error) {
	var out []intel.RoadmapItem
	err := db.read(ctx, func(tx *Tx) (err error) {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		out, err = tx.roadmap(sc.OrgID, ` AND r.account_id = $2`, accountID)
		return err
	})
	return out, err
}

func (tx *Tx) roadmap(orgID int64, cond string, args ...any) ([]intel.RoadmapItem, error) {
	out := []intel.RoadmapItem{}
	err := tx.each(`SELECT `+roadmapCols+roadmapFrom+` WHERE r.org_id = $1`+cond+` ORDER BY r.account_id, p.family, p.name, p.id`,
		append([]any{orgID}, args...), func(r *sql.Rows) error {
			x, err := scanRoadmap(r)
			out = append(out, x)
			return err
		})
	return out, err
}

// checkOwned checks that an optional link points at a record of the
// account in table (contracts, opportunities).
func (tx *Tx) checkOwned(field, table string, orgID, accountID int64, id *int64) error {
	if id == nil {
		return nil
	}
	var n int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE org_id = $1 AND account_id = $2 AND id = $3`,
		orgID, accountID, *id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return account.Invalid(field, "refers to no %s of this account", singular[table])
	}
	return nil
}

// SetRoadmapItem records a product's state in an account, replacing the
// earlier entry for the same account and product.
func (db *DB) SetRoadmapItem(ctx context.Context, sc account.Scope, x *intel.RoadmapItem) error {
	x.Normalize()
	if err := x.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		return tx.setRoadmapItem(sc, x)
	})
}

func (tx *Tx) setRoadmapItem(sc account.Scope, x *intel.RoadmapItem) error {
	if _, err := tx.account(sc.OrgID, x.AccountID); err != nil {
		return err
	}
	p, err := tx.product(sc.OrgID, x.ProductID)
	if err != nil {
		return account.Invalid("product_id", "refers to no product in the catalog")
	}
	x.ProductName = p.Name
	if err := tx.checkOwned("contract_id", "contracts", sc.OrgID, x.AccountID, x.ContractID); err != nil {
		return err
	}
	if err := tx.checkOwned("opportunity_id", "opportunities", sc.OrgID, x.AccountID, x.OpportunityID); err != nil {
		return err
	}
	if err := tx.checkVisionItem("vision_item_id", sc.OrgID, x.AccountID, x.VisionItemID); err != nil {
		return err
	}
	olds, err := tx.roadmap(sc.OrgID, ` AND r.account_id = $2 AND r.product_id = $3`, x.AccountID, x.ProductID)
	if err != nil {
		return err
	}
	x.UpdatedAt = tx.now
	if len(olds) == 0 {
		x.CreatedAt = tx.now
		if err := tx.QueryRow(`INSERT INTO roadmap_items (org_id, account_id, product_id, state, since, contract_id, fit,
			estimated_value, vision_item_id, opportunity_id, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			sc.OrgID, x.AccountID, x.ProductID, string(x.State), x.Since.String(), nullID(x.ContractID), x.Fit, x.EstimatedValue,
			nullID(x.VisionItemID), nullID(x.OpportunityID), x.Note, ms(tx.now)).Scan(&x.ID); err != nil {
			return err
		}
		return tx.audit(sc, "create", "roadmap_item", x.ID, x.AccountID, nil, x)
	}
	old := olds[0]
	x.ID, x.CreatedAt = old.ID, old.CreatedAt
	if _, err := tx.Exec(`UPDATE roadmap_items SET state = $3, since = $4, contract_id = $5, fit = $6, estimated_value = $7,
		vision_item_id = $8, opportunity_id = $9, note = $10, updated_at = $11 WHERE org_id = $1 AND id = $2`,
		sc.OrgID, x.ID, string(x.State), x.Since.String(), nullID(x.ContractID), x.Fit, x.EstimatedValue,
		nullID(x.VisionItemID), nullID(x.OpportunityID), x.Note, ms(tx.now)); err != nil {
		return err
	}
	return tx.audit(sc, "update", "roadmap_item", x.ID, x.AccountID, &old, x)
}

// DeleteRoadmapItem forgets a product's state in an account (back to "not
// assessed").
func (db *DB) DeleteRoadmapItem(ctx context.Context, sc account.Scope, accountID, productID int64) error {
	return db.write(ctx, func(tx *Tx) error {
		olds, err := tx.roadmap(sc.OrgID, ` AND r.account_id = $2 AND r.product_id = $3`, accountID, productID)
		if err != nil {
			return err
		}
		if len(olds) == 0 {
			return account.Errorf(account.ENOTFOUND, "Product %d is not on the roadmap of account %d.", productID, accountID)
		}
		if _, err := tx.Exec(`DELETE FROM roadmap_items WHERE org_id = $1 AND id = $2`, sc.OrgID, olds[0].ID); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "roadmap_item", olds[0].ID, accountID, &olds[0], nil)
	})
}

// OpenRoadmapOpportunity creates opportunity o for a product of an
// account's roadmap and links the roadmap entry to it, in one transaction.
// An entry that does not exist yet is created as could_use with the
// opportunity's amount as its estimated value.
func (db *DB) OpenRoadmapOpportunity(ctx context.Context, sc account.Scope, productID int64, o *account.Opportunity) error {
	o.Normalize()
	if err := o.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, o.AccountID); err != nil {
			return err
		}
		if err := tx.mustExist("owner_id", "people", sc.OrgID, o.OwnerID); err != nil {
			return err
		}
		p, err := tx.product(sc.OrgID, productID)
		if err != nil {
			return account.Invalid("product_id", "refers to no product in the catalog")
		}
		if o.Product == "" {
			o.Product = p.Name
		}
		o.CreatedAt, o.UpdatedAt = tx.now, tx.now
		if err := tx.QueryRow(`INSERT INTO opportunities (org_id, account_id, owner_id, name, product, kind, stage, amount,
			currency, expected_close, actual_close, external_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			sc.OrgID, o.AccountID, nullID(o.OwnerID), o.Name, o.Product, o.Kind, o.Stage, o.Amount, o.Currency,
			o.ExpectedClose.String(), o.ActualClose.String(), o.ExternalID, ms(tx.now)).Scan(&o.ID); err != nil {
			return err
		}
		if err := tx.audit(sc, "create", "opportunity", o.ID, o.AccountID, nil, o); err != nil {
			return err
		}
		olds, err := tx.roadmap(sc.OrgID, ` AND r.account_id = $2 AND r.product_id = $3`, o.AccountID, productID)
		if err != nil {
			return err
		}
		x := intel.RoadmapItem{AccountID: o.AccountID, ProductID: productID, State: intel.CouldUse, EstimatedValue: o.Amount}
		if len(olds) > 0 {
			x = olds[0]
		}
		x.OpportunityID = &o.ID
		return tx.setRoadmapItem(sc, &x)
	})
}

// Whitespace builds the portfolio's accounts × products matrix over the
// accounts visible to a person (0: all) that have at least one roadmap
// entry, and the products still offered.
func (db *DB) Whitespace(ctx context.Context, sc account.Scope, visibleTo int64) (intel.WhitespaceMatrix, error) {
	var m intel.WhitespaceMatrix
	err := db.read(ctx, func(tx *Tx) error {
		products, err := tx.products(sc.OrgID, false)
		if err != nil {
			return err
		}
		cond, args := "", []any{}
		if visibleTo != 0 {
			cond, args = ` AND `+visibleAccounts("r.account_id", "$1", "$2"), []any{visibleTo}
		}
		items, err := tx.roadmap(sc.OrgID, cond, args...)
		if err != nil {
			return err
		}
		var accounts []intel.AccountRef
		err = tx.each(`SELECT a.id, a.name FROM accounts a WHERE a.org_id = $1 AND a.id IN (SELECT r.account_id FROM roadmap_items r WHERE r.org_id = $1`+
			cond+`) ORDER BY a.name_key, a.id`, append([]any{sc.OrgID}, args...), func(r *sql.Rows) error {
			var a intel.AccountRef
			accounts = append(accounts, a)
			return r.Scan(&accounts[len(accounts)-1].ID, &accounts[len(accounts)-1].Name)
		})
		if err != nil {
			return err
		}
		m = intel.Whitespace(accounts, products, items)
		return nil
	})
	return m, err
}

// Needs lists an account's needs: open first, then by priority and id.
func (db *DB) Needs(ctx context.Context, sc account.Scope, accountID int64) ([]intel.Need, error) {
	var out []intel.Need
	err := db.read(ctx, func(tx *Tx) (err error) {
		if _, err := tx.account(sc.OrgID, accountID); err != nil {
			return err
		}
		out, err = tx.needs(sc.OrgID, ` AND account_id = $2`, accountID)
		return err
	})
	return out, err
}

func (tx *Tx) needs(orgID int64, cond string, args ...any) ([]intel.Need, error) {
	out := []intel.Need{}
	index := map[int64]int{}
	err := tx.each(`SELECT id, account_id, text, horizon, priority, vision_item_id, status, note, created_at, updated_at
		FROM needs WHERE org_id = $1`+cond+` ORDER BY id`, append([]any{orgID}, args...), func(r *sql.Rows) error {
		var n intel.Need
		var vision sql.NullInt64
		var created, updated int64
		if err := r.Scan(&n.ID, &n.AccountID, &n.Text, &n.Horizon, &n.Priority, &vision, &n.Status, &n.Note, &created, &updated); err != nil {
			return err
		}
		n.VisionItemID, n.CreatedAt, n.UpdatedAt, n.ProductIDs = idPtr(vision), fromMS(created), fromMS(updated), []int64{}
		index[n.ID] = len(out)
		out = append(out, n)
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	err = tx.each(`SELECT need_id, product_id FROM need_products WHERE org_id = $1 AND need_id IN (SELECT id FROM needs WHERE org_id = $1`+cond+`)
		ORDER BY need_id, product_id`, append([]any{orgID}, args...), func(r *sql.Rows) error {
		var nid, pid int64
		if err := r.Scan(&nid, &pid); err != nil {
			return err
		}
		if i, ok := index[nid]; ok {
			out[i].ProductIDs = append(out[i].ProductIDs, pid)
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b intel.Need) int {
		if c := slices.Index(intel.NeedStatuses, a.Status) - slices.Index(intel.NeedStatuses, b.Status); c != 0 {
			return c
		}
		return slices.Index(intel.Priorities, a.Priority) - slices.Index(intel.Priorities, b.Priority)
	})
	return out, err
}

// Need returns one need.
func (db *DB) Need(ctx context.Context, sc account.Scope, id int64) (intel.Need, error) {
	var n intel.Need
	err := db.read(ctx, func(tx *Tx) (err error) {
		n, err = tx.need(sc.OrgID, id)
		return err
	})
	return n, err
}

func (tx *Tx) need(orgID, id int64) (intel.Need, error) {
	ns, err := tx.needs(orgID, ` AND id = $2`, id)
	if err != nil {
		return intel.Need{}, err
	}
	if len(ns) == 0 {
		return intel.Need{}, account.Errorf(account.ENOTFOUND, "Need %d not found.", id)
	}
	return ns[0], nil
}

func (tx *Tx) checkNeedRefs(orgID int64, n *intel.Need) error {
	if err := tx.checkVisionItem("vision_item_id", orgID, n.AccountID, n.VisionItemID); err != nil {
		return err
	}
	for _, p := range n.ProductIDs {
		if ok, err := tx.exists("products", orgID, p); err != nil {
			return err
		} else if !ok {
			return account.Invalid("product_ids", "refers to no product %d in the catalog", p)
		}
	}
	return nil
}

func (tx *Tx) writeNeedProducts(orgID int64, n *intel.Need) error {
	if _, err := tx.Exec(`DELETE FROM need_products WHERE org_id = $1 AND need_id = $2`, orgID, n.ID); err != nil {
		return err
	}
	for _, p := range n.ProductIDs {
		if _, err := tx.Exec(`INSERT INTO need_products (org_id, need_id, product_id) VALUES ($1, $2, $3)`, orgID, n.ID, p); err != nil {
			return err
		}
	}
	return nil
}

// CreateNeed validates and records a need.
func (db *DB) CreateNeed(ctx context.Context, sc account.Scope, n *intel.Need) error {
	n.Normalize()
	if err := n.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.account(sc.OrgID, n.AccountID); err != nil {
			return err
		}
		if err := tx.checkNeedRefs(sc.OrgID, n); err != nil {
			return err
		}
		n.CreatedAt, n.UpdatedAt = tx.now, tx.now
		if err := tx.QueryRow(`INSERT INTO needs (org_id, account_id, text, horizon, priority, vision_item_id, status, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			sc.OrgID, n.AccountID, n.Text, string(n.Horizon), string(n.Priority), nullID(n.VisionItemID), string(n.Status), n.Note,
			ms(tx.now)).Scan(&n.ID); err != nil {
			return err
		}
		if err := tx.writeNeedProducts(sc.OrgID, n); err != nil {
			return err
		}
		return tx.audit(sc, "create", "need", n.ID, n.AccountID, nil, n)
	})
}

// UpdateNeed replaces every editable field of need n.ID (not its account).
func (db *DB) UpdateNeed(ctx context.Context, sc account.Scope, n *intel.Need) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.need(sc.OrgID, n.ID)
		if err != nil {
			return err
		}
		if n.AccountID != 0 && n.AccountID != old.AccountID {
			return account.Invalid("account_id", "cannot change")
		}
		n.AccountID = old.AccountID
		n.Normalize()
		if err := n.Validate(); err != nil {
			return err
		}
		if err := tx.checkNeedRefs(sc.OrgID, n); err != nil {
			return err
		}
		n.CreatedAt, n.UpdatedAt = old.CreatedAt, tx.now
		if _, err := tx.Exec(`UPDATE needs SET text = $3, horizon = $4, priority = $5, vision_item_id = $6, status = $7, note = $8,
			updated_at = $9 WHERE org_id = $1 AND id = $2`, sc.OrgID, n.ID, n.Text, string(n.Horizon), string(n.Priority),
			nullID(n.VisionItemID), string(n.Status), n.Note, ms(tx.now)); err != nil {
			return err
		}
		if err := tx.writeNeedProducts(sc.OrgID, n); err != nil {
			return err
		}
		return tx.audit(sc, "update", "need", n.ID, n.AccountID, &old, n)
	})
}

// DeleteNeed removes a need.
func (db *DB) DeleteNeed(ctx context.Context, sc account.Scope, id int64) error {
	return db.write(ctx, func(tx *Tx) error {
		old, err := tx.need(sc.OrgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM needs WHERE org_id = $1 AND id = $2`, sc.OrgID, id); err != nil {
			return err
		}
		return tx.audit(sc, "delete", "need", id, old.AccountID, &old, nil)
	})
}
