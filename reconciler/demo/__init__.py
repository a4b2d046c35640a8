"""`reconciler demo`: the whole story on the embedded stand-in console, in about a minute."""
