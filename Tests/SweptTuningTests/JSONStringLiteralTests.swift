import SweptTuning
import Testing

@Test(arguments: [
    ("plain", "\"plain\""),
    ("say \"hi\"", "\"say \\\"hi\\\"\""),
    ("a\\b", "\"a\\\\b\""),
    ("line\nnext\ttab\r", "\"line\\nnext\\ttab\\r\""),
    ("bell\u{07}", "\"bell\\u0007\""),
    ("ünïcode ✓", "\"ünïcode ✓\""),
])
func jsonStringLiteralEscapesWhatJSONRequires(text: String, expected: String) {
    #expect(JSONStringLiteral.quoted(text) == expected)
}
