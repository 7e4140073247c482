"""Plain-language text for the app: glossary, framework, questions, statements.

Kept out of page scripts so it can be read-level tested (Flesch–Kincaid grade 8 or below).
"""
