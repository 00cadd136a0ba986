package files

import (
	"net/url"
	"strconv"
	"strings"
)

// PluginfileURL is the address of r through /webservice/pluginfile.php
// under base (the site URL, no trailing slash), each segment escaped.
func PluginfileURL(base string, r Record) string {
	var b strings.Builder
	b.WriteString(base + "/webservice/pluginfile.php/")
	b.WriteString(strconv.FormatInt(r.ContextID, 10) + "/" + url.PathEscape(r.Component) + "/" + url.PathEscape(r.FileArea) + "/")
	b.WriteString(strconv.FormatInt(r.ItemID, 10))
	for _, seg := range strings.Split(strings.Trim(r.FilePath, "/"), "/") {
		if seg != "" {
			b.WriteString("/" + url.PathEscape(seg))
		}
	}
	b.WriteString("/" + url.PathEscape(r.FileName))
	return b.String()
}
