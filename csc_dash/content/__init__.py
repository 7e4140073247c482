"""Plain-language text for the app: glossary, framework, questions, statements, and the words of
pages such as The question, Trade-offs and Root causes.

Kept out of page scripts so it is one place to read and change. Every text here (and every
message constant elsewhere in ``csc_dash``) is read at Flesch–Kincaid grade 8 or below and
checked against the jargon list by tests/test_plain.py, which finds the texts by walking the
package; analyst wording is named ``*ANALYST*`` or listed, with its reason, in that test's
exemptions.
"""
