/* SPDX-License-Identifier: GPL-2.0 */
/* Writing text from a trace into HTML (and inline SVG) safely. */
#ifndef LT_HTML_OUT_H
#define LT_HTML_OUT_H

#include <stdio.h>

/*
 * Writes s escaped for element text and for quoted attribute values alike:
 * & < > " ' become entities, control bytes become U+FFFD. Every string
 * that comes from a trace (comms, symbols, kernel names, paths) goes
 * through here: a comm named "<script>" must stay text.
 */
void html_esc(FILE *out, const char *s);
/* <tag class="cls">escaped text</tag>; cls may be NULL. */
void html_elem(FILE *out, const char *tag, const char *cls, const char *text);
/* The badge of trace i of n: "trace", or "before" / "after". */
void html_trace_tag(FILE *out, int n, int i);

#endif
