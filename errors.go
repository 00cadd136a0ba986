package wsgate

// The errors a caller of the gateway can see, with Moodle's exception class,
// errorcode and English message (moodle-webservices.md §6.5). Use WithDebug
// to add details; compare with errors.Is.
var (
	ErrInvalidParameter = &Error{Kind: Invalid, Exception: "invalid_parameter_exception", Code: "invalidparameter",
		Message: "Invalid parameter value detected"}
	ErrInvalidResponse = &Error{Kind: Internal, Exception: "invalid_response_exception", Code: "invalidresponse",
		Message: "Invalid response value detected"}
	ErrInvalidToken = &Error{Kind: Unauthenticated, Exception: "moodle_exception", Code: "invalidtoken",
		Message: "Invalid token - token not found"}
	ErrAccess = &Error{Kind: Forbidden, Exception: "webservice_access_exception", Code: "accessexception",
		Message: "Access control exception"}
	ErrInvalidRecord = &Error{Kind: NotFound, Exception: "dml_missing_record_exception", Code: "invalidrecord",
		Message: "Can't find data record in database table external_functions."}
	ErrNoPermissions = &Error{Kind: Forbidden, Exception: "required_capability_exception", Code: "nopermissions",
		Message: "Sorry, but you do not currently have permissions to do that (%s)."}
	ErrUserDeleted = &Error{Kind: Forbidden, Exception: "moodle_exception", Code: "wsaccessuserdeleted",
		Message: "Refused web service access for deleted username: %s"}
	ErrUserSuspended = &Error{Kind: Forbidden, Exception: "moodle_exception", Code: "wsaccessusersuspended",
		Message: "Refused web service access for suspended username: %s"}
	ErrUserNoLogin = &Error{Kind: Forbidden, Exception: "moodle_exception", Code: "wsaccessusernologin",
		Message: "Refused web service access for nologin authentication username: %s"}
	ErrServiceNotAvailable = &Error{Kind: Forbidden, Exception: "moodle_exception", Code: "servicenotavailable",
		Message: "Web service is not available. (It doesn't exist or might be disabled.)"}
	ErrUnknownParamType = &Error{Kind: Internal, Exception: "moodle_exception", Code: "unknownparamtype",
		Message: "Unknown parameter type"}
	ErrCoding = &Error{Kind: Internal, Exception: "coding_exception", Code: "codingerror",
		Message: "Coding error detected, it must be fixed by a programmer"}
	ErrUpstream = &Error{Kind: Unavailable, Exception: "moodle_exception", Code: "upstreamerror",
		Message: "The function's upstream service failed or did not answer in time"}
	ErrTimeout = &Error{Kind: Unavailable, Exception: "moodle_exception", Code: "functiontimeout",
		Message: "The function did not finish in time"}
	ErrInternal = &Error{Kind: Internal, Exception: "moodle_exception", Code: "generalexceptionmessage",
		Message: "Internal server error"}
	// ErrRequestTooLarge refuses a request whose decoding would pass a limit
	// of the parse budget; Messagef names the limit ("holds more than 100000 values").
	ErrRequestTooLarge = &Error{Kind: Invalid, Exception: "invalid_parameter_exception", Code: "invalidparameter",
		Message: "Invalid parameter value detected: the request %s"}
	// ErrServerBusy refuses a request that found no free decoding slot in time (beyond Moodle).
	ErrServerBusy = &Error{Kind: Unavailable, Exception: "moodle_exception", Code: "serverbusy",
		Message: "The server is busy: try again in a moment"}
	// ErrRateLimited refuses a call over a rate limit of its token, user or
	// service (beyond Moodle; REST answers it with HTTP 429 and Retry-After).
	ErrRateLimited = &Error{Kind: RateLimited, Exception: "moodle_exception", Code: "ratelimitexceeded",
		Message: "Too many calls: the rate limit is exceeded, try again later"}
	// ErrNotFound and ErrConflict are the store's typed errors, mapped by every
	// edge. ErrNotFound (a missing row) answers Moodle's invalidrecord, as
	// ErrInvalidRecord (an unknown function) does, but errors.Is tells them apart.
	ErrNotFound = &Error{Kind: NotFound, Exception: "dml_missing_record_exception", Code: "invalidrecord",
		Message: "Can't find data record in database table.", variant: "store"}
	ErrConflict = &Error{Kind: Conflict, Exception: "dml_write_exception", Code: "dmlwriteexception",
		Message: "Error writing to database"}
	// ErrDMLRead and ErrDMLWrite are a read or a write the store could not
	// do because it is unreachable (internal/db.Translate); the cause goes
	// to the log and, in debug mode, to debuginfo.
	ErrDMLRead = &Error{Kind: Unavailable, Exception: "dml_read_exception", Code: "dmlreadexception",
		Message: "Error reading from database"}
	ErrDMLWrite = &Error{Kind: Unavailable, Exception: "dml_write_exception", Code: "dmlwriteexception",
		Message: "Error writing to database"}
)

// Messagef returns a copy of e whose message is formatted with args (for
// messages that name a user or a capability).
func (e *Error) Messagef(args ...any) *Error {
	c := *e
	c.Message = sprintf(e.Message, args...)
	return &c
}
