package exchange

import (
	"fmt"
	"sort"
	"strings"
)

// Presets are the column names of common CRM exports, per kind, so that a
// Salesforce or HubSpot export imports with --preset instead of a mapping.
// Salesforce: the standard report/Data Loader columns of Accounts, Contacts
// and Opportunities. HubSpot: the default "Export" columns of Companies,
// Contacts and Deals (both the internal stage ids and their labels).
var presets = map[string]map[Kind]Mapping{
	"salesforce": {
		Accounts: {
			Columns: cols("Account ID=external_id", "Id=external_id", "Account Name=name", "Name=name", "Website=domain",
				"Industry=industry", "Employees=employees", "NumberOfEmployees=employees", "Annual Revenue=annual_revenue",
				"AnnualRevenue=annual_revenue", "Billing Country=country", "BillingCountry=country", "Billing State/Province=region",
				"BillingState=region", "Type=lifecycle", "Parent Account=parent", "Parent Account ID=parent", "ParentId=parent",
				"Account Owner=owner", "OwnerId=owner", "Account Currency=currency", "CurrencyIsoCode=currency"),
			Values: map[string]map[string]string{"lifecycle": vals(
				"Customer=customer", "Customer - Direct=customer", "Customer - Channel=customer", "Channel Partner / Reseller=customer",
				"Prospect=prospect", "Installation Partner=prospect", "Technology Partner=prospect", "Other=prospect",
				"Former Customer=former_customer", "Customer - Former=former_customer", "Churned=former_customer")},
		},
		Stakeholders: {
			Columns: cols("Contact ID=external_id", "Id=external_id", "First Name=first_name", "FirstName=first_name",
				"Last Name=last_name", "LastName=last_name", "Full Name=name", "Account Name=account", "Account ID=account",
				"AccountId=account", "Title=title", "Email=email", "Phone=phone", "Business Phone=phone", "Mobile=phone",
				"Level=level", "Contact Role=buying_role", "Role=buying_role"),
			Values: map[string]map[string]string{"buying_role": vals("Decision Maker=decision_maker", "Economic Buyer=decision_maker",
				"Economic Decision Maker=decision_maker", "Evaluator=influencer", "Technical Buyer=influencer",
				"Business User=user", "Executive Sponsor=champion", "Influencer=influencer", "Other=unknown")},
		},
		Opportunities: {
			Columns: cols("Opportunity ID=external_id", "Id=external_id", "Opportunity Name=name", "Name=name",
				"Account Name=account", "Account ID=account", "AccountId=account", "Stage=stage", "StageName=stage",
				"Amount=amount", "Close Date=close_date", "CloseDate=close_date", "Type=kind", "Opportunity Owner=owner",
				"OwnerId=owner", "Product=product", "Opportunity Currency=currency", "CurrencyIsoCode=currency"),
			Values: map[string]map[string]string{
				"stage": vals("Prospecting=prospecting", "Qualification=prospecting", "Needs Analysis=engaging",
					"Value Proposition=engaging", "Id. Decision Makers=engaging", "Perception Analysis=engaging",
					"Proposal/Price Quote=proposal", "Negotiation/Review=proposal", "Closed Won=won", "Closed Lost=lost"),
				"kind": vals("New Business=new", "New Customer=new", "Existing Business=upsell", "Existing Customer - Upgrade=upsell",
					"Existing Customer - Replacement=renewal", "Existing Customer - Downgrade=renewal", "Renewal=renewal",
					"Cross-sell=cross_sell", "Cross Sell=cross_sell"),
			},
		},
	},
	"hubspot": {
		Accounts: {
			Columns: cols("Record ID=external_id", "Company ID=external_id", "Company name=name", "Name=name",
				"Company Domain Name=domain", "Website URL=-", "Industry=industry", "Number of Employees=employees",
				"Annual Revenue=annual_revenue", "Country/Region=country", "Country=country", "State/Region=region",
				"Lifecycle Stage=lifecycle", "Parent Company=parent", "Company owner=owner", "Currency=currency"),
			Values: map[string]map[string]string{"lifecycle": vals("Subscriber=prospect", "Lead=prospect",
				"Marketing Qualified Lead=prospect", "Sales Qualified Lead=prospect", "Opportunity=prospect",
				"Customer=customer", "Evangelist=customer", "Other=prospect", "Former Customer=former_customer",
				"subscriber=prospect", "lead=prospect", "marketingqualifiedlead=prospect", "salesqualifiedlead=prospect",
				"opportunity=prospect", "customer=customer", "evangelist=customer", "other=prospect")},
		},
		Stakeholders: {
			Columns: cols("Record ID=external_id", "Contact ID=external_id", "First Name=first_name", "Last Name=last_name",
				"Email=email", "Job Title=title", "Phone Number=phone", "Mobile Phone Number=-", "Associated Company=account",
				"Company Name=account", "Associated Company ID=-", "Buying Role=buying_role", "Lifecycle Stage=-"),
			Values: map[string]map[string]string{"buying_role": vals("Decision Maker=decision_maker", "DECISION_MAKER=decision_maker",
				"Budget Holder=decision_maker", "BUDGET_HOLDER=decision_maker", "Champion=champion", "CHAMPION=champion",
				"Influencer=influencer", "INFLUENCER=influencer", "End User=user", "END_USER=user", "Blocker=blocker",
				"BLOCKER=blocker", "Executive Sponsor=champion", "EXECUTIVE_SPONSOR=champion", "Other=unknown", "OTHER=unknown")},
		},
		Opportunities: {
			Columns: cols("Record ID=external_id", "Deal ID=external_id", "Deal Name=name", "Deal Stage=stage",
				"Amount=amount", "Close Date=close_date", "Deal owner=owner", "Associated Company=account",
				"Company Name=account", "Associated Company ID=-", "Deal Type=kind", "Pipeline=-", "Currency=currency"),
			Values: map[string]map[string]string{
				"stage": vals("appointmentscheduled=prospecting", "Appointment Scheduled=prospecting",
					"qualifiedtobuy=engaging", "Qualified To Buy=engaging", "presentationscheduled=engaging",
					"Presentation Scheduled=engaging", "decisionmakerboughtin=proposal", "Decision Maker Bought-In=proposal",
					"contractsent=proposal", "Contract Sent=proposal", "closedwon=won", "Closed Won=won",
					"closedlost=lost", "Closed Lost=lost"),
				"kind": vals("newbusiness=new", "New Business=new", "existingbusiness=upsell", "Existing Business=upsell"),
			},
		},
	},
}

func cols(pairs ...string) map[string]string { return vals(pairs...) }
func vals(pairs ...string) map[string]string {
	m := map[string]string{}
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		m[norm(k)] = v
	}
	return m
}

// PresetNames lists the presets.
func PresetNames() []string {
	var out []string
	for k := range presets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Preset returns a preset's mapping for a kind. Columns the file does not
// have are ignored, so one preset serves both a report and an API export.
func Preset(name string, k Kind) (Mapping, error) {
	p, ok := presets[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Mapping{}, fmt.Errorf("unknown preset %q: use one of %s", name, strings.Join(PresetNames(), ", "))
	}
	m, ok := p[k]
	if !ok || m.Columns == nil || len(m.Columns) == 0 {
		return Mapping{}, fmt.Errorf("the %s preset covers accounts, stakeholders (contacts) and opportunities (deals), not %s", name, k)
	}
	return m, nil
}

// ForFile keeps only the mapping entries whose source column is in header:
// a preset names more columns than any one export has, and two of its
// columns may map to the same field.
func (m Mapping) ForFile(header []string) Mapping {
	out := Mapping{Columns: map[string]string{}, Values: m.Values}
	taken := map[string]bool{}
	// Prefer the header's order so the first of two candidate columns wins.
	for _, h := range header {
		if t, ok := m.Columns[norm(h)]; ok && (t == "-" || !taken[t]) {
			out.Columns[norm(h)] = t
			taken[t] = true
		} else if ok {
			out.Columns[norm(h)] = "-"
		}
	}
	return out
}
