package rfc8414

func quoted(s string) string { return "\"" + s + "\"" }
