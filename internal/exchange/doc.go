// Package exchange holds the rules for moving samwise's records in and out as
// files: reading CSV (UTF-8 with or without a byte-order mark, ';' or ','
// separated), mapping a file's columns onto samwise's fields (automatically
// for samwise's own export format, by an explicit mapping, or by a preset for
// Salesforce and HubSpot exports), turning text into typed values with a
// reason for every value that does not fit, and the column layout of the
// export format.
//
// It is plain Go: it imports the account package and the standard library,
// never store, web or api. The store writes what this package parses
// (internal/store/exchange.go); cmd/samwise and the web layer wire the two.
package exchange
