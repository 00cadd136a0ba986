// Package crud is the generic part of the admin API, written once and used by
// every plugin: CRUDService and AssociationService (validate, persist, write
// the change's events to the outbox, all in one transaction, then wake the
// relay after the commit), validation groups (Check), the list conventions
// (search, exact filters, whitelisted order, direction, limit, offset) paged
// in SQL (ListSQL) or in memory (Columns.Page), and the gin handlers of list,
// item and association URLs.
//
// A plugin declares its dao interface (embedding Dao or AssociationDao) and
// supplies its implementation over the services store, bound to each
// change's transaction, its rules (which ask only the dao), a Notifier and
// how its resource looks on the wire; it exports a typed service over
// CRUDService or AssociationService. crud imports the root package,
// services (for the transaction), functions, internal and admin/render; it
// never imports a plugin or package admin.
package crud
