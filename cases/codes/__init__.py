"""National code sets (DfE children in need census), one module per code set.

The stored value is always the census code, so exports need no translation.
"""
