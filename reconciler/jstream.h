/* jstream: a JSON array written one element at a time, byte for byte what
 * json_dumpf(JSON_INDENT(2) | JSON_PRESERVE_ORDER) writes of the whole
 * document, so output of 100,000 objects needs the memory of one.
 * jansson formats (and escapes) each element; this file only places it:
 * jansson writes every line break of an indented document itself (a
 * newline inside a string is "\n"), so an element nested `depth` levels
 * down is its own dump with 2 * depth spaces after each line break. */
#pragma once

#include <jansson.h>
#include <stdio.h>

struct jstream {
	FILE *f;
	unsigned depth;   /* of the open array: 0 at the top of the document */
	size_t n;         /* elements written into it */
	int r;            /* the first error, -ENOMEM or -EIO; then nothing is written */
	/* One element's text, reused: jansson hands over a few bytes at a
	 * time, and a write each would cost more than the formatting. */
	char *buf;
	size_t len, cap;
	/* jansson's dump of the element, before its lines are indented */
	char *tmp;
	size_t tmp_cap;
};

/* Starts an array nested `depth` levels down (its "[" is written with its
 * first element: an empty one is "[]"). */
void jstream_array_begin(struct jstream *s, FILE *f, unsigned depth);
/* Writes one element and releases it (json_decref; NULL is -ENOMEM). */
void jstream_array_add(struct jstream *s, json_t *v);
/* Closes the array and frees its buffer; 0 or the first error. */
int jstream_array_end(struct jstream *s);
/* Writes v as a value nested `depth` levels down (no line break before or
 * after it); 0, -ENOMEM or -EIO. */
int jstream_value(FILE *f, const json_t *v, unsigned depth);
