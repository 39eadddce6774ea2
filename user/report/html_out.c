// SPDX-License-Identifier: GPL-2.0
#include "html_out.h"

static const char *label(int n, int i)
{
	return n == 1 ? "trace" : i ? "after" : "before";
}

void html_trace_tag(FILE *out, int n, int i)
{
	fprintf(out, "<span class=\"tag t%d\">%s</span>", i, label(n, i));
}

void html_esc(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			/* A comm may hold any byte but NUL. */
			if (c < 0x20 || c == 0x7f)
				fputs("&#xFFFD;", out);
			else
				fputc(c, out);
		}
	}
}

void html_elem(FILE *out, const char *tag, const char *cls, const char *text)
{
	fprintf(out, "<%s", tag);
	if (cls)
		fprintf(out, " class=\"%s\"", cls);
	fputc('>', out);
	html_esc(out, text);
	fprintf(out, "</%s>", tag);
}
