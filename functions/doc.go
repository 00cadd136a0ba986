// Package functions holds the external function model of the gateway: the
// description of parameters and results (Description, ParamType), their
// YAML manifest form and stored JSON form, Moodle's validation of incoming
// parameters (Validate) and cleaning of results (CleanReturn) with the
// exact rules of validate_parameters, validate_param, clean_param and
// clean_returnvalue, and the registry of Go implementations. The string
// rules of clean_param themselves are in functions/paramclean.
package functions
