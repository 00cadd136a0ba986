// Package services owns services, their functions and authorised users,
// tokens, users, roles and capabilities: the tables behind them (all their SQL
// lives here, in Store) and the Authorizer that decides, from memory, whether
// a token may call a function.
//
// It imports the root package wsgate and internal/db only; it learns about
// functions through the FunctionInfo interface, never by reading
// external_functions, which package functions owns.
package services
