/**
 * Every diagnostic the NXML front end reports. Codes are stable: editors, tests and the AI repair loop
 * match on them. Add new codes at the end of their group; never reuse or rename one.
 */
export interface DiagnosticCodeInfo {
  code: string
  severity: 'error' | 'warning' | 'info'
  description: string
}

function code(c: string, severity: DiagnosticCodeInfo['severity'], description: string): DiagnosticCodeInfo {
  return { code: c, severity, description }
}

export const DIAGNOSTIC_CODES = {
  // Syntax (scanner and parser)
  UNTERMINATED_COMMENT: code('NX1001', 'error', 'A comment has no closing "-->"'),
  UNTERMINATED_CDATA: code('NX1002', 'error', 'A CDATA section has no closing "]]>"'),
  UNTERMINATED_STRING: code('NX1003', 'error', 'An attribute value has no closing quote'),
  UNTERMINATED_TAG: code('NX1004', 'error', 'A tag has no closing ">" or "/>"'),
  EXPECTED_TAG_NAME: code('NX1005', 'error', 'A "<" or "</" is not followed by a tag name'),
  EXPECTED_ATTRIBUTE_VALUE: code('NX1006', 'error', 'An attribute has no "=" and value'),
  UNQUOTED_ATTRIBUTE_VALUE: code('NX1007', 'error', 'An attribute value is not in quotes'),
  DUPLICATE_ATTRIBUTE: code('NX1008', 'error', 'The same attribute appears twice on one tag'),
  UNEXPECTED_CHARACTER: code('NX1009', 'error', 'A character that cannot appear inside a tag'),
  UNEXPECTED_TEXT: code('NX1010', 'error', 'Text where only elements are allowed'),
  UNCLOSED_ELEMENT: code('NX1011', 'error', 'An element is never closed'),
  MISMATCHED_CLOSE_TAG: code('NX1012', 'error', 'A closing tag does not match the open element'),
  NESTING_TOO_DEEP: code('NX1013', 'error', 'Elements are nested deeper than the parser allows'),
  TOO_MANY_DIAGNOSTICS: code(
    'NX1014',
    'info',
    'More diagnostics than are reported: one counts the rest (their worst severity)',
  ),
  // Structure (lowering the element tree to a panel)
  MISSING_ROOT: code('NX2001', 'error', 'There is no <NexusPanel> root element'),
  UNEXPECTED_ELEMENT: code('NX2002', 'error', 'An element is not allowed where it appears'),
  MISSING_ATTRIBUTE: code('NX2003', 'error', 'A required attribute is missing'),
  INVALID_ATTRIBUTE_VALUE: code('NX2004', 'error', 'An attribute value is not one of the allowed values'),
  INVALID_DEFAULT: code('NX2005', 'error', 'A default does not match the declared type'),
  MISSING_HANDLER: code('NX2006', 'error', 'A tool has no <Handler>'),
  DUPLICATE_ELEMENT: code('NX2007', 'error', 'An element that may appear once appears again'),
  UNSUPPORTED_ELEMENT: code('NX2008', 'info', 'An element is recognised but not supported yet; it is ignored'),
  UNKNOWN_ATTRIBUTE: code('NX2009', 'error', 'An attribute is not known for this element'),
  // Semantics (validation)
  INVALID_IDENTIFIER: code('NX3001', 'error', 'A name is not a valid identifier'),
  DUPLICATE_NAME: code('NX3002', 'error', 'Two declarations share a name'),
  UNKNOWN_COMPONENT: code('NX3003', 'error', 'A view element is not a known component'),
  UNDEFINED_STATE: code('NX3004', 'error', 'An expression reads a state that is not declared'),
  UNDEFINED_COMPUTED: code('NX3005', 'error', 'An expression reads a computed that is not declared'),
  UNDEFINED_TOOL: code('NX3006', 'error', 'A trigger names a tool that is not declared'),
  UNUSED_STATE: code('NX3007', 'warning', 'A state is never read or written'),
  EXPRESSION_SYNTAX: code('NX3008', 'error', 'An expression does not parse'),
  COMPUTED_CYCLE: code('NX3009', 'error', 'Computeds depend on each other in a cycle'),
  DUPLICATE_VIEW_ID: code('NX3010', 'error', 'Two view components share an id'),
  UNDEFINED_SCOPE: code('NX3011', 'error', 'A $scope name is not bound by an enclosing <Iterate>'),
  UNDEFINED_EXTENSION: code('NX3012', 'error', 'A handler uses an extension alias that is not declared'),
  WRONG_ATTRIBUTE_TYPE: code('NX3013', 'error', 'An attribute value is not of the type the component expects'),
  FORBIDDEN_GLOBAL: code('NX3014', 'error', 'A handler uses a global that the sandbox does not provide'),
  UNUSED_TOOL: code('NX3015', 'warning', 'A tool is never triggered by the view or a lifecycle'),
  MISSING_CAPABILITY: code(
    'NX3016',
    'warning',
    'A handler writes, emits or calls what its <Capabilities> do not grant',
  ),
  UNDEFINED_ARG: code('NX3017', 'error', 'A handler reads an $args name the tool does not declare'),
  MISPLACED_ELSE: code('NX3018', 'error', 'An <Else> does not directly follow an <If>'),
} as const

export type DiagnosticKey = keyof typeof DIAGNOSTIC_CODES
