package userroles

import "wsgate/admin/crud"

// validator holds the rules of role assignments: both ends must exist,
// which loading them checks; there is no other rule.
func validator() crud.ValidationAssociation[link, Dao] {
	return crud.ValidationAssociation[link, Dao]{}
}
