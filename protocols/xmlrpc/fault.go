package xmlrpc

import (
	"crypto/md5" //nolint:gosec // Moodle's fault code, not a security use
	"encoding/hex"
	"math"
	"strconv"

	"wsgate/internal/xmltext"
	"wsgate/protocols"
)

// NoCodeFault is the faultCode of an error without a Moodle errorcode, as in
// webservice_xmlrpc_server::generate_error.
const NoCodeFault = 404

// FaultCode returns Moodle's faultCode for an errorcode: the first 8
// decimal digits of md5(errorcode) read as a 128-bit number, computed as
// PHP's base_convert(md5($errorcode), 16, 10) does (through a float, so
// that rare rounding cases agree with Moodle too), then cast to int. For
// example invalidrecord gives 23604497 and invalidtoken 89159464. An empty
// errorcode gives NoCodeFault.
func FaultCode(errorcode string) int {
	if errorcode == "" {
		return NoCodeFault
	}
	sum := md5.Sum([]byte(errorcode)) //nolint:gosec // see import
	digits := phpHexToDecimal(hex.EncodeToString(sum[:]))
	if len(digits) > 8 {
		digits = digits[:8]
	}
	n, _ := strconv.Atoi(digits) // PHP's (int) "01234567" is 1234567
	return n
}

// phpHexToDecimal is PHP's base_convert($hex, 16, 10): digits accumulate in
// an int64 until it would overflow, then in a float64, whose digits are
// then written by repeated fmod and division (_php_math_basetozval and
// _php_math_zvaltobase).
func phpHexToDecimal(hexDigits string) string {
	const cutoff, cutlim = math.MaxInt64 / 16, math.MaxInt64 % 16
	var num int64
	var fnum float64
	isFloat := false
	for i := 0; i < len(hexDigits); i++ {
		c := int64(hexValue(hexDigits[i]))
		if !isFloat {
			if num < cutoff || num == cutoff && c <= cutlim {
				num = num*16 + c
				continue
			}
			fnum, isFloat = float64(num), true
		}
		fnum = float64(fnum*16) + float64(c) // the conversion forbids a fused multiply-add, as in C
	}
	if !isFloat {
		return strconv.FormatInt(num, 10)
	}
	f := math.Floor(fnum)
	var buf [64]byte // PHP's buffer holds 64 digits
	i := len(buf)
	for {
		i--
		buf[i] = '0' + byte(int(math.Mod(f, 10)))
		f /= 10
		if i == 0 || math.Abs(f) < 1 {
			break
		}
	}
	return string(buf[i:])
}

func hexValue(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// FaultString returns Moodle's faultString for err: the message, then
// " | DEBUG INFO: <debuginfo>" when debug is set and the error has some,
// then " | ERRORCODE: <errorcode>"; an error without an errorcode gives its
// message alone. A foreign error shows wsgate.ErrInternal's message, never
// its cause.
func FaultString(err error, debug bool) string {
	e := protocols.ErrorOf(err)
	s := e.Message
	if e.Code == "" {
		return s
	}
	if debug && e.DebugInfo != "" {
		s += " | DEBUG INFO: " + e.DebugInfo
	}
	return s + " | ERRORCODE: " + e.Code
}

// EncodeFault returns err as a methodResponse fault with Moodle's
// faultCode (an <int>) and faultString.
func EncodeFault(err error, debug bool) []byte {
	e := protocols.ErrorOf(err)
	fs := FaultString(e, debug)
	buf := make([]byte, 0, 256+len(fs))
	buf = append(buf, xmlHeader+"<methodResponse><fault><value><struct>"+
		"<member><name>faultCode</name><value><int>"...)
	buf = strconv.AppendInt(buf, int64(FaultCode(e.Code)), 10)
	buf = append(buf, "</int></value></member><member><name>faultString</name><value><string>"...)
	buf = xmltext.AppendText(buf, fs)
	return append(buf, "</string></value></member></struct></value></fault></methodResponse>"...)
}
