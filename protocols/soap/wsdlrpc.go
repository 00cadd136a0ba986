package soap

import (
	"wsgate/functions"
)

// RPCWSDL returns the rpc/encoded WSDL (SOAP 1.1) of fns in the shape of
// Moodle's own, for clients written against Moodle such as PHP's
// SoapClient: one message part per top-level parameter, in declaration
// order, so $client->function($a, $b) calls work unchanged; a "return"
// part for the answer; single structures as named complex types (xsd:all)
// and lists as soapenc:Array types with their item type (where Moodle's
// arrays have none). Types are named as the rpc answer names them
// (AppendRPCResponse); scalars are typed as Moodle types them (INT and
// BOOL xsd:int). serverURL is the target namespace, the namespace of the
// rpc bodies and the base of every soapAction; serverURL?wstoken=token is
// the service address. Functions are sorted by name; those the WSDL
// cannot represent are left out and listed in the documentation. The
// output depends only on its arguments.
func RPCWSDL(serverURL, token string, fns []*functions.Function) []byte {
	ops, skipped := selectFunctions(fns)
	b := make([]byte, 0, 4096+2048*len(ops))
	b = append(b, xmlDecl...)
	b = append(b, `<wsdl:definitions name="`+definitionsName+`" targetNamespace="`...)
	b = appendAttr(b, serverURL)
	b = append(b, `" xmlns:wsdl="`+nsWSDL+`" xmlns:soap="`+nsWSDLSOAP+`" xmlns:xsd="`+nsXSD+
		`" xmlns:soapenc="`+nsEncoding+`" xmlns:tns="`...)
	b = appendAttr(b, serverURL)
	b = append(b, "\">\n"...)
	b = appendDoc(b, 1, "wsdl", definitionsDocStyle("rpc/encoded, SOAP 1.1, in the shape of Moodle's", skipped))

	b = append(b, "  <wsdl:types>\n    <xsd:schema targetNamespace=\""...)
	b = appendAttr(b, serverURL)
	b = append(b, "\">\n      <xsd:import namespace=\""+nsEncoding+"\"/>\n      <xsd:import namespace=\""+nsWSDL+"\"/>\n"...)
	for _, f := range ops {
		if f.Params != nil {
			for _, k := range f.Params.Keys {
				b = rpcTypes(b, k.Desc, paramType(f.Name, k.Name))
			}
		}
		if f.Returns != nil {
			b = rpcTypes(b, f.Returns, returnType(f.Name))
		}
	}
	b = append(b, "    </xsd:schema>\n  </wsdl:types>\n"...)

	for _, f := range ops {
		b = append(b, `  <wsdl:message name="`...)
		b = append(b, f.Name...)
		if f.Params == nil || len(f.Params.Keys) == 0 {
			b = append(b, "In\"/>\n"...)
		} else {
			b = append(b, "In\">\n"...)
			for _, k := range f.Params.Keys {
				b = append(b, `    <wsdl:part name="`...)
				b = append(b, k.Name...)
				b = append(b, `" type="`...)
				b = append(b, rpcXSIType(k.Desc, paramType(f.Name, k.Name))...)
				b = append(b, "\"/>\n"...)
			}
			b = append(b, "  </wsdl:message>\n"...)
		}
		b = append(b, `  <wsdl:message name="`...)
		b = append(b, f.Name...)
		if f.Returns == nil {
			b = append(b, "Out\"/>\n"...)
		} else {
			b = append(b, `Out"><wsdl:part name="return" type="`...)
			b = append(b, rpcXSIType(f.Returns, returnType(f.Name))...)
			b = append(b, "\"/></wsdl:message>\n"...)
		}
	}

	b = append(b, "  <wsdl:portType name=\""+portTypeName+"\">\n"...)
	for _, f := range ops {
		b = append(b, `    <wsdl:operation name="`...)
		b = append(b, f.Name...)
		b = append(b, "\">\n"...)
		b = appendDoc(b, 3, "wsdl", operationDoc(f))
		b = append(b, `      <wsdl:input message="tns:`...)
		b = append(b, f.Name...)
		b = append(b, "In\"/>\n"...)
		b = append(b, `      <wsdl:output message="tns:`...)
		b = append(b, f.Name...)
		b = append(b, "Out\"/>\n    </wsdl:operation>\n"...)
	}
	b = append(b, "  </wsdl:portType>\n"...)

	b = append(b, "  <wsdl:binding name=\""+bindingName+"\" type=\"tns:"+portTypeName+"\">\n"...)
	b = append(b, "    <soap:binding style=\"rpc\" transport=\""+nsHTTP+"\"/>\n"...)
	for _, f := range ops {
		b = append(b, `    <wsdl:operation name="`...)
		b = append(b, f.Name...)
		b = append(b, "\">\n      <soap:operation soapAction=\""...)
		b = appendAttr(b, SOAPAction(serverURL, f.Name))
		b = append(b, "\" style=\"rpc\"/>\n"...)
		for _, dir := range []string{"input", "output"} {
			b = append(b, "      <wsdl:"+dir+"><soap:body use=\"encoded\" encodingStyle=\""+nsEncoding+"\" namespace=\""...)
			b = appendAttr(b, serverURL)
			b = append(b, "\"/></wsdl:"+dir+">\n"...)
		}
		b = append(b, "    </wsdl:operation>\n"...)
	}
	b = append(b, "  </wsdl:binding>\n"...)

	b = append(b, "  <wsdl:service name=\""+serviceName+"\">\n"...)
	b = append(b, "    <wsdl:port name=\""+portName+"\" binding=\"tns:"+bindingName+"\">\n"...)
	b = append(b, `      <soap:address location="`...)
	b = appendAttr(b, Address(serverURL, token))
	b = append(b, "\"/>\n    </wsdl:port>\n  </wsdl:service>\n</wsdl:definitions>\n"...)
	return b
}

// rpcTypes appends the complex types a value described by d needs, named
// from path (see paramType): its own first, then those of its keys or
// items. Scalars need none.
func rpcTypes(b []byte, d *functions.Description, path string) []byte {
	switch d.Shape {
	case functions.SingleShape:
		b = append(b, "      <xsd:complexType name=\""...)
		b = appendAttr(b, path)
		if len(d.Keys) == 0 {
			b = append(b, "\"><xsd:all/></xsd:complexType>\n"...)
			return b
		}
		b = append(b, "\">\n        <xsd:all>\n"...)
		for _, k := range d.Keys {
			b = append(b, `          <xsd:element name="`...)
			b = append(b, k.Name...)
			b = append(b, `" type="`...)
			b = append(b, rpcXSIType(k.Desc, keyType(path, k.Name))...)
			b = append(b, '"')
			if k.Desc.Presence != functions.Required {
				b = append(b, ` minOccurs="0"`...)
			}
			if k.Desc.AllowNull {
				b = append(b, ` nillable="true"`...)
			}
			b = append(b, "/>\n"...)
		}
		b = append(b, "        </xsd:all>\n      </xsd:complexType>\n"...)
		for _, k := range d.Keys {
			b = rpcTypes(b, k.Desc, keyType(path, k.Name))
		}
	case functions.MultipleShape:
		item := itemType(path)
		b = append(b, "      <xsd:complexType name=\""...)
		b = appendAttr(b, path)
		b = append(b, "\">\n        <xsd:complexContent><xsd:restriction base=\"soapenc:Array\">"...)
		b = append(b, `<xsd:attribute ref="soapenc:arrayType" wsdl:arrayType="`...)
		b = appendAttr(b, rpcXSIType(d.Content, item))
		b = append(b, "[]\"/></xsd:restriction></xsd:complexContent>\n      </xsd:complexType>\n"...)
		b = rpcTypes(b, d.Content, item)
	}
	return b
}
