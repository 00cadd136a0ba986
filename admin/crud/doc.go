// Package crud is the generic part of the admin API, written once and used by
// every plugin: CRUDService and AssociationService (validate, persist, write
// the change's events to the outbox, all in one transaction, then wake the
// relay after the commit), validation groups, the list conventions (search,
// exact filters, whitelisted order, direction, limit, offset) and the gin
// handlers of list, item and association URLs.
//
// A plugin supplies a Dao (persistence through the services Store, inside
// the transaction it is given), its validators, a Notifier (the events of a
// change) and how its resource looks on the wire. crud imports the root
// package, services, functions, internal/bus and admin/render; it never
// imports a plugin or package admin.
package crud
