/*
 * consistent-sampler tickets from a SHA-256 digest h (eight big-endian 32-bit words):
 * ticket = "0." + "{:064d}".format(h)[::-1], and a numeric key for sorting them.
 * Static functions for _accel.c: include once.
 */
#ifndef SSJ_TICKET_H
#define SSJ_TICKET_H

#include <stdint.h>
#include <string.h>

/* n //= 10**9 in place (big-endian 32-bit words from `top`); returns n % 10**9 */
static uint32_t
div_1e9(uint32_t n[8], int top)
{
    uint64_t rem = 0;
    int i;

    for (i = top; i < 8; i++) {
        uint64_t cur = (rem << 32) | n[i];
        n[i] = (uint32_t)(cur / 1000000000u);
        rem = cur % 1000000000u;
    }
    return (uint32_t)rem;
}

/* "0." + "{:064d}".format(h)[::-1] into out (at least 2 + 81 bytes); returns its length */
static int
ticket_text(const uint32_t H[8], char *out)
{
    uint32_t n[8];
    char *digits = out + 2;
    int len = 0;
    int top = 0, k;

    memcpy(n, H, sizeof(n));
    out[0] = '0';
    out[1] = '.';
    for (;;) {
        uint32_t rem;
        while (top < 8 && n[top] == 0) {
            top++;
        }
        if (top == 8) {
            break;
        }
        rem = div_1e9(n, top);  /* least significant digits first */
        for (k = 0; k < 9; k++) {
            digits[len++] = (char)('0' + rem % 10);
            rem /= 10;
        }
    }
    while (len > 0 && digits[len - 1] == '0') {  /* zeros above the top digit */
        len--;
    }
    while (len < 64) {
        digits[len++] = '0';
    }
    return 2 + len;
}

/* the 9 digits of x (zero-padded) in reverse order, as a number */
static uint32_t
reverse9(uint32_t x)
{
    uint32_t r = 0;
    int k;

    for (k = 0; k < 9; k++) {
        r = r * 10 + x % 10;
        x /= 10;
    }
    return r;
}

/* The first 18 ticket digits (the last 18 decimal digits of h, reversed) as a number:
   keys order tickets like the ticket strings do, ties need the full text. */
static uint64_t
ticket_key(const uint32_t H[8])
{
    uint32_t n[8], lo, hi;

    memcpy(n, H, sizeof(n));
    lo = div_1e9(n, 0);
    hi = div_1e9(n, 0);
    return (uint64_t)reverse9(lo) * 1000000000u + reverse9(hi);
}

#endif /* SSJ_TICKET_H */
