/* esc: outside text (git file names, kernel names and aliases, profile
 * values, library messages) made safe for a terminal, and the rule for
 * which characters a profile name may hold.
 *
 * One classification serves both: a C0 control, DEL, a C1 control, a byte
 * that is not part of valid UTF-8, and the invisible format characters of
 * the "Trojan Source" class (bidirectional embeddings, overrides, isolates
 * and marks, zero-width characters, Unicode's other Cf, Zl and Zp
 * characters and the invisible fillers) are "unsafe".  Text output shows
 * them escaped: "\n", "\t", "\r", "\xNN" for a byte, "\uNNNN" (or
 * "\UNNNNNNNN") for a character; everything else passes unchanged.  JSON
 * output does not use this: jansson escapes exactly. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Escapes s[0..len) into dst (always terminated when size > 0), cutting
 * at a character boundary with "..." when it does not fit.  Returns dst. */
const char *esc_text(char *dst, size_t size, const char *s, size_t len);

/* A malloc'd escaped copy of the string, or NULL on ENOMEM. */
char *esc_dup(const char *s);

/* Writes s escaped (newlines too: call it on one logical line). */
void esc_fputs(const char *s, FILE *f);

/* Formats one logical line, writes it escaped and then a newline: every
 * control character in it came from the arguments.  Formatting failures
 * (ENOMEM) print the format itself, never raw arguments. */
__attribute__((format(printf, 2, 3)))
void esc_line(FILE *f, const char *fmt, ...);
__attribute__((format(printf, 2, 0)))
void esc_vline(FILE *f, const char *fmt, va_list ap);

/* The offset of the first unsafe character in s, or -1 when there is none;
 * *cp (may be NULL) gets its code point, or the byte for invalid UTF-8. */
long esc_find_unsafe(const char *s, uint32_t *cp);
