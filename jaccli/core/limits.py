"""Limits on what one expression may be, shared by both readers (grammar.py, fastread.py): input is
bounded before sympy or symengine sees it."""

MAX_LENGTH = 10_000  # characters in one expression text
MAX_TOKENS = 5_000  # numbers, names and operators in one expression
MAX_DEPTH = 100  # nesting of parentheses, function calls, unary signs and powers
MAX_LITERAL_DIGITS = 1_000  # digits in one number literal
MAX_RESULT_DIGITS = 4_000  # digits of an exact power jac agrees to compute (Python prints ints up to 4,300)

# A Jacobian is kept sparse (chain/sparse.py: pattern, colouring, non-zeros only) from this many entries (m·n)
# on when fewer than this fraction of them are structural non-zeros.
SPARSE_MIN_ENTRIES = 10_000
SPARSE_DENSITY = 0.10
