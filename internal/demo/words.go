package demo

import "github.com/samwise-sam/samwise/internal/account"

// The word lists the generators draw from. They are data, never changed at
// run time; the order of every list is part of the output (the same seed
// gives the same data), so append rather than reorder.

// namePrefixes start company names.
var namePrefixes = []string{
	"Northwind", "Blue Harbor", "Summit", "Ironwood", "Crescent", "Granite", "Silverline", "Evergreen",
	"Pioneer", "Redwood", "Atlas", "Beacon", "Cobalt", "Meridian", "Horizon", "Keystone", "Lakeshore",
	"Orchard", "Sterling", "Tidewater", "Vanguard", "Willow", "Apex", "Brightwater", "Cedar", "Delta",
	"Everest", "Falcon", "Harborview", "Juniper", "Kestrel", "Lumen", "Maple", "Nimbus", "Oakridge",
	"Pinnacle", "Quarry", "Riverbend", "Sagebrush", "Trident", "Union", "Vertex", "Westfield",
	"Aurora", "Bluestone", "Clearwater", "Driftwood", "Emerald", "Fairview", "Goldcrest", "Highland",
	"Ivory", "Jasper", "Kingsley", "Larkspur", "Monarch", "Northstar", "Oceanic", "Prairie", "Quantum",
	"Rosewood", "Stonebridge", "Thornbury", "Upland", "Valley", "Whitmore", "Yellowstone", "Zephyr",
}

// industry is one line of business with the words its companies' names use.
type industry struct {
	name  string
	cores []string
}

var industries = []industry{
	{"Manufacturing", []string{"Industries", "Manufacturing", "Components", "Machining", "Fabrication"}},
	{"Healthcare", []string{"Health", "Medical", "Care", "Clinics", "Health Partners"}},
	{"Financial Services", []string{"Capital", "Bank", "Financial", "Insurance", "Asset Management"}},
	{"Retail", []string{"Retail", "Stores", "Outfitters", "Market", "Home Goods"}},
	{"Software", []string{"Software", "Systems", "Labs", "Digital", "Technologies"}},
	{"Logistics", []string{"Logistics", "Freight", "Shipping", "Transport", "Distribution"}},
	{"Energy", []string{"Energy", "Power", "Renewables", "Utilities", "Solar"}},
	{"Telecommunications", []string{"Networks", "Telecom", "Communications", "Broadband", "Wireless"}},
	{"Pharmaceuticals", []string{"Pharma", "Biosciences", "Therapeutics", "Life Sciences", "Laboratories"}},
	{"Construction", []string{"Builders", "Construction", "Engineering", "Infrastructure", "Structures"}},
	{"Food & Beverage", []string{"Foods", "Beverages", "Farms", "Brewing", "Provisions"}},
	{"Automotive", []string{"Motors", "Automotive", "Mobility", "Parts", "Vehicles"}},
}

// region is a sales region with its countries and the company-name suffixes
// usual there.
type region struct {
	name      string
	countries []string
	suffixes  []string
	weight    int
}

var regions = []region{
	{"North America", []string{"United States", "Canada"}, []string{"Inc.", "Corp.", "LLC", "Group"}, 45},
	{"EMEA", []string{"United Kingdom", "Germany", "France", "Netherlands", "Sweden", "Spain", "United Arab Emirates"}, []string{"Ltd", "GmbH", "S.A.", "B.V.", "AB", "Group", "plc"}, 30},
	{"APAC", []string{"Australia", "Japan", "Singapore", "India", "New Zealand"}, []string{"Pty Ltd", "K.K.", "Pte Ltd", "Ltd", "Group"}, 15},
	{"LATAM", []string{"Brazil", "Mexico", "Chile", "Colombia"}, []string{"S.A.", "Ltda.", "S.A. de C.V.", "Group"}, 10},
}

var firstNames = []string{
	"Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah", "Isabella", "James", "Mia", "William",
	"Amelia", "Benjamin", "Harper", "Lucas", "Evelyn", "Henry", "Abigail", "Alexander", "Hannah", "Mateo", "Aisha",
	"Wei", "Yuki", "Hiroshi", "Priya", "Arjun", "Fatima", "Omar", "Sofia", "Diego", "Camila", "Javier", "Ingrid",
	"Lars", "Anna", "Jonas", "Chloe", "Louis", "Elena", "Marco", "Giulia", "Chen", "Mei", "Kwame", "Amara",
	"Tomás", "Lucía", "Sven", "Freya", "Rahul", "Ananya", "Daniel", "Grace", "Samuel", "Leah", "David", "Nora",
	"Michael", "Zoe", "Ethan", "Ruth", "Isaac", "Maya", "Ibrahim", "Leila", "Pedro", "Beatriz", "Kofi",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson",
	"White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker",
	"Adams", "Nelson", "Müller", "Schmidt", "Schneider", "Fischer", "Dubois", "Moreau", "Laurent", "Rossi",
	"Bianchi", "Jansen", "de Vries", "Andersson", "Johansson", "Nielsen", "Tanaka", "Suzuki", "Watanabe", "Kim",
	"Park", "Wang", "Zhang", "Li", "Patel", "Sharma", "Singh", "Gupta", "Okafor", "Mensah", "Silva", "Santos",
	"Oliveira", "Costa", "Fernández", "González", "Nakamura", "O'Brien", "Murphy", "Kowalski", "Novak",
}

// titles lists job titles per stakeholder level.
var titles = map[account.Level][]string{
	account.Executive: {"Chief Executive Officer", "Chief Financial Officer", "Chief Information Officer",
		"Chief Technology Officer", "Chief Operating Officer", "Chief Procurement Officer", "Chief Digital Officer",
		"President"},
	account.SeniorManagement: {"VP of Engineering", "VP of Operations", "VP of Finance", "VP of Procurement",
		"VP of IT", "Senior Director of Supply Chain", "Head of Data", "VP of Customer Experience"},
	account.MiddleManagement: {"Director of IT Infrastructure", "Procurement Manager", "Engineering Manager",
		"Operations Manager", "Finance Manager", "Programme Manager", "IT Manager", "Head of Analytics"},
	account.Operational: {"Systems Administrator", "Data Analyst", "Buyer", "Solutions Architect",
		"Business Analyst", "Support Lead", "Software Engineer", "Controller", "Project Coordinator"},
}

// buyingRoles weighs the usual buying roles per level (in BuyingRoles order:
// decision maker, influencer, user, champion, blocker, unknown).
var buyingRoles = map[account.Level][6]int{
	account.Executive:        {60, 15, 0, 5, 10, 10},
	account.SeniorManagement: {25, 35, 5, 20, 8, 7},
	account.MiddleManagement: {5, 35, 20, 25, 5, 10},
	account.Operational:      {0, 15, 55, 10, 3, 17},
}

// products are what the demo company sells, with a typical yearly price in
// dollars for a mid-sized client.
var products = []struct {
	name  string
	price int64
}{
	{"Core Platform", 120_000},
	{"Analytics Suite", 60_000},
	{"Integration Hub", 45_000},
	{"Premium Support", 30_000},
	{"Security Add-on", 25_000},
	{"Data Warehouse Connector", 20_000},
	{"Mobile Workforce", 35_000},
	{"Training Package", 10_000},
}

// Touch texts: a summary is a kind's template filled with a topic; a next
// step is drawn from its own list (some touches have none).
var summaryTemplates = map[account.TouchKind][]string{
	account.Meeting: {"Met on site to discuss %s.", "Workshop on %s with their team.", "Lunch meeting about %s.",
		"Steering meeting: %s."},
	account.Call: {"Call about %s.", "Check-in call; main topic was %s.", "Short call to align on %s.",
		"Escalation call regarding %s."},
	account.Email: {"Sent a summary of %s.", "Followed up by e-mail on %s.", "Shared material on %s.",
		"Answered their questions about %s."},
	account.BusinessReview: {"Quarterly business review: %s.", "Annual business review covering %s.",
		"Executive business review; focus on %s."},
	account.Event: {"Met at our customer summit; talked about %s.", "Hosted them at the user conference (%s).",
		"Roundtable dinner on %s.", "Webinar follow-up on %s."},
	account.OtherTouch: {"Introduction through a partner about %s.", "LinkedIn exchange on %s.",
		"Reference call for another client; %s came up."},
}

var topics = []string{
	"the rollout plan for next quarter", "pricing for the renewal", "integration with their ERP",
	"adoption in their regional offices", "the security review findings", "their cloud migration",
	"budget planning for next year", "the support backlog", "expanding to the finance team",
	"their new CIO's priorities", "the proof of concept results", "data retention requirements",
	"the upcoming contract renewal", "training for new users", "usage analytics", "a reorganisation on their side",
	"their sustainability goals", "performance issues last month", "the product roadmap", "a reference case study",
	"their competitor evaluation", "single sign-on", "the API rate limits", "a price increase",
	"their three-year vision", "the account plan", "the relationship map", "an outage post-mortem",
}

var nextSteps = []string{
	"Send the revised quote by Friday.", "Schedule a technical deep dive.", "Introduce our solutions architect.",
	"Share the case study.", "Book the next business review.", "Prepare the renewal proposal.",
	"Follow up with procurement.", "Set up a pilot for the analytics team.", "Invite them to the customer advisory board.",
	"Draft the success plan.", "Escalate the open ticket to engineering.", "Confirm budget with finance.",
	"Arrange an executive sponsor meeting.", "Send training materials.",
}

// opportunityNames name an opportunity after its kind.
var opportunityNames = map[account.OpportunityKind][]string{
	account.NewBusiness: {"%s initial deal", "%s pilot", "First %s purchase"},
	account.Upsell:      {"%s seat expansion", "%s tier upgrade", "More %s licences"},
	account.CrossSell:   {"Add %s", "%s for a second team", "%s bundle"},
	account.Renewal:     {"%s renewal", "%s multi-year renewal", "%s renewal with price uplift"},
}
