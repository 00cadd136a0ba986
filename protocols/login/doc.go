// Package login serves /login/token.php: a user's credentials and a service
// shortname in exchange for a token, as Moodle's login/token.php does (reuse of
// a valid token, or creation of one valid for a configured duration), with
// password guessing limited by internal/loginlimit.
package login
