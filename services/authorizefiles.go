package services

import (
	"context"

	"wsgate"
)

// FileTransfer says which of a service's file flags a file script needs.
type FileTransfer int

// The two file scripts' needs: upload.php needs uploadfiles, pluginfile.php and draftfile.php downloadfiles.
const (
	Download FileTransfer = iota
	Upload
)

// AuthorizeFiles is Moodle's webservice::authenticate_user for the file
// scripts: the token checks of AuthorizeToken (without the protocol
// capability), then the token's service is enabled, admits the user
// (restricted users, required capability) and allows the transfer
// (downloadfiles or uploadfiles, else wsgate.ErrAccess with Moodle's
// message); a read-only token never uploads. It serves from the cache, as
// Authorize does.
func (a *Authorizer) AuthorizeFiles(ctx context.Context, req AuthRequest, t FileTransfer) (*wsgate.Caller, error) {
	now := a.opts.Now().Unix()
	tok, pol, usr, err := a.tokenUser(ctx, req)
	if err != nil {
		return nil, err
	}
	svc := pol.services[tok.serviceID]
	if svc == nil || !svc.enabled {
		return nil, wsgate.ErrServiceNotAvailable
	}
	if err := svc.admitsService(usr, req.RemoteIP, now); err != nil {
		return nil, err
	}
	switch {
	case t == Upload && tok.readOnly:
		return nil, wsgate.ErrAccess.WithDebug("The token is read-only: it may download files but not upload them")
	case t == Upload && !svc.uploadFiles:
		return nil, wsgate.ErrAccess.WithDebug("Web service file upload must be enabled in external service settings")
	case t == Download && !svc.downloadFiles:
		return nil, wsgate.ErrAccess.WithDebug("Web service file downloading must be enabled in external service settings")
	}
	return &wsgate.Caller{UserID: usr.id, Username: usr.username, ServiceID: svc.id, ServiceName: svc.name,
		Shortname: svc.shortname, TokenID: tok.id, Protocol: req.Protocol, RemoteIP: req.RemoteIP,
		Capabilities: usr.caps, IsSiteAdmin: usr.admin, ReadOnly: tok.readOnly}, nil
}
