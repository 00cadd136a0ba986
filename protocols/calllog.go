package protocols

import (
	"time"

	"wsgate"
	"wsgate/services/calllog"
)

// callEntry is call as the call log records it: the caller's ids and names
// when the token was accepted, the token's id, never its value.
func callEntry(call *Call, caller *wsgate.Caller, outcome string, d time.Duration) calllog.Entry {
	e := calllog.Entry{Time: time.Now().Add(-d), Function: call.Function, Protocol: call.Protocol,
		Outcome: outcome, Duration: d, RemoteIP: call.RemoteIP, Size: call.Size}
	if caller != nil {
		e.UserID, e.Username, e.TokenID = caller.UserID, caller.Username, caller.TokenID
		e.ServiceID, e.Service = caller.ServiceID, caller.Shortname
		if e.Service == "" {
			e.Service = caller.ServiceName
		}
	}
	return e
}
