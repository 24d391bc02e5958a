package store

import (
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/intel"
)

// Products import and export: the catalog (products, migration 00008) with
// the external id migration 00015 gave it. A line matches a product by
// external id, else by name (case-insensitive, as the catalog keeps names
// unique); a product whose external id differs from the line's is never
// matched by name.

// importedProduct is a product as an import reads, writes and (for undo)
// remembers it.
type importedProduct struct {
	intel.Product
	ExternalID string `json:"external_id"`
	RetiredAt  int64  `json:"retired_at"` // kept as is, so undo puts back the very instant
}

func (im *importer) storedProduct(id int64) (importedProduct, error) {
	var p importedProduct
	var created, updated int64
	err := im.tx.QueryRowContext(im.ctx, `SELECT id, name, family, list_price, currency, description, retired_at, external_id, created_at, updated_at
		FROM products WHERE org_id = $1 AND id = $2`, im.sc.OrgID, id).Scan(&p.ID, &p.Name, &p.Family, &p.ListPrice, &p.Currency,
		&p.Description, &p.RetiredAt, &p.ExternalID, &created, &updated)
	p.Retired = p.RetiredAt != 0
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return p, err
}

func (im *importer) applyProduct(r *exchange.Record) ([]exchange.Problem, error) {
	in := r.Product
	in.Normalize()
	ext := strings.TrimSpace(r.ProductExternalID)
	var id int64
	var err error
	if ext != "" {
		id, err = im.find([]string{`SELECT id FROM products WHERE org_id = $1 AND external_id = $2 LIMIT 2`}, im.sc.OrgID, ext)
	}
	if err == nil && id == 0 && in.Name != "" {
		id, err = im.find([]string{`SELECT id FROM products WHERE org_id = $1 AND LOWER(name) = $2 AND (external_id = '' OR external_id = $3) LIMIT 2`},
			im.sc.OrgID, strings.ToLower(in.Name), ext)
	}
	if err != nil {
		return nil, err
	}
	var p, old importedProduct
	if id != 0 {
		if old, err = im.storedProduct(id); err != nil {
			return nil, err
		}
		m := merge(im.kind, exchange.Record{Product: old.Product, ProductExternalID: old.ExternalID}, r)
		p = importedProduct{Product: m.Product, ExternalID: m.ProductExternalID, RetiredAt: old.RetiredAt}
	} else {
		p = importedProduct{Product: r.Product, ExternalID: ext}
	}
	p.ID = id
	p.ExternalID = strings.TrimSpace(p.ExternalID)
	p.Normalize()
	if err := p.Validate(); err != nil {
		return im.problemsOf(r.Line, err)
	}
	// Names are unique in the catalog.
	var other int64
	err = im.tx.QueryRowContext(im.ctx, `SELECT id FROM products WHERE org_id = $1 AND LOWER(name) = $2 AND id <> $3 LIMIT 1`,
		im.sc.OrgID, strings.ToLower(p.Name), id).Scan(&other)
	if err == nil {
		return problem(r, im.p.ColumnOf("name"), "another product is called %q: names are unique in the catalog", p.Name), nil
	}
	if !isNoRows(err) {
		return nil, err
	}
	switch {
	case !p.Retired:
		p.RetiredAt = 0
	case p.RetiredAt == 0:
		p.RetiredAt = ms(im.tx.now)
	}
	if id == 0 {
		p.ID = im.newID("products")
		p.CreatedAt, p.UpdatedAt = im.tx.now, im.tx.now
		if err := im.exec(`INSERT INTO products (org_id, id, name, family, list_price, currency, description, retired_at, external_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
			im.sc.OrgID, p.ID, p.Name, p.Family, p.ListPrice, p.Currency, p.Description, p.RetiredAt, p.ExternalID, ms(im.tx.now)); err != nil {
			return nil, err
		}
		im.b.Created++
		return nil, nil
	}
	if same(old, p, func(x *importedProduct) { x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{} }) {
		im.b.Unchanged++
		return nil, nil
	}
	if err := im.recordUpdate("products", id, old); err != nil {
		return nil, err
	}
	if err := im.updateProduct(&p); err != nil {
		return nil, err
	}
	im.b.Updated++
	return nil, im.tx.audit(im.sc, "import_update", "product", id, 0, &old, &p)
}

func (im *importer) updateProduct(p *importedProduct) error {
	p.UpdatedAt = im.tx.now
	return im.exec(`UPDATE products SET name = $3, family = $4, list_price = $5, currency = $6, description = $7, retired_at = $8,
		external_id = $9, updated_at = $10 WHERE org_id = $1 AND id = $2`,
		im.sc.OrgID, p.ID, p.Name, p.Family, p.ListPrice, p.Currency, p.Description, p.RetiredAt, p.ExternalID, ms(im.tx.now))
}

// exportProductsSQL selects products for Export, scanned by scanExportProduct.
const exportProductsSQL = `SELECT x.id, x.name, x.family, x.list_price, x.currency, x.description, x.retired_at, x.created_at, x.updated_at,
	x.external_id FROM products x WHERE x.org_id = $1`

func scanExportProduct(rs rowScanner, r *exchange.Record) error {
	var err error
	r.Product, err = scanProduct(extraScanner{rs, []any{&r.ProductExternalID}})
	return err
}

// productsInUse counts the roadmap entries and needs that refer to products
// with ids in [first, last] (undo must not remove those).
func (tx *Tx) productsInUse(orgID, first, last int64) (int64, error) {
	var n int64
	err := tx.QueryRow(`SELECT (SELECT COUNT(*) FROM roadmap_items WHERE org_id = $1 AND product_id BETWEEN $2 AND $3)
		+ (SELECT COUNT(*) FROM need_products WHERE org_id = $1 AND product_id BETWEEN $2 AND $3)`, orgID, first, last).Scan(&n)
	return n, err
}
