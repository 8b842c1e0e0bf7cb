/*
 * SHA-256 written from FIPS 180-4 (sections 4.1.2, 4.2.2, 5.1.1, 5.3.3, 6.2.2) for the
 * draw accelerator (_accel.c); no external library. Static functions: include once.
 */
#ifndef SSJ_SHA256_H
#define SSJ_SHA256_H

#include <stdint.h>
#include <string.h>

/* 5.3.3: first 32 bits of the fractional parts of the square roots of the first 8 primes */
static const uint32_t IV[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
};

/* 4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes */
static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
    0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
    0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
/* 4.1.2; Ch and Maj in equivalent forms with fewer operations */
#define CH(x, y, z) ((((y) ^ (z)) & (x)) ^ (z))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

static inline uint32_t
load_be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
           (uint32_t)p[3];
}

static inline void
store_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One round of 6.2.2 step 3 with the working variables renamed instead of moved: the
   new e is written into d and the new a into h, so the next round passes the names
   shifted by one. */
#define ROUND(a, b, c, d, e, f, g, h, t)                                  \
    do {                                                                  \
        uint32_t t1_ = (h) + BSIG1(e) + CH(e, f, g) + K256[t] + W[t];     \
        uint32_t t2_ = BSIG0(a) + MAJ(a, b, c);                           \
        (d) += t1_;                                                       \
        (h) = t1_ + t2_;                                                  \
    } while (0)

/* 6.2.2: process one 64-byte block into the hash state H */
static void
compress_portable(uint32_t H[8], const unsigned char *block)
{
    uint32_t W[64];
    uint32_t a = H[0], b = H[1], c = H[2], d = H[3];
    uint32_t e = H[4], f = H[5], g = H[6], h = H[7];
    int t;

    for (t = 0; t < 16; t++) {
        W[t] = load_be32(block + 4 * t);
    }
    for (t = 16; t < 64; t++) {
        W[t] = SSIG1(W[t - 2]) + W[t - 7] + SSIG0(W[t - 15]) + W[t - 16];
    }
    for (t = 0; t < 64; t += 8) {
        ROUND(a, b, c, d, e, f, g, h, t);
        ROUND(h, a, b, c, d, e, f, g, t + 1);
        ROUND(g, h, a, b, c, d, e, f, t + 2);
        ROUND(f, g, h, a, b, c, d, e, t + 3);
        ROUND(e, f, g, h, a, b, c, d, t + 4);
        ROUND(d, e, f, g, h, a, b, c, t + 5);
        ROUND(c, d, e, f, g, h, a, b, t + 6);
        ROUND(b, c, d, e, f, g, h, a, t + 7);
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d;
    H[4] += e; H[5] += f; H[6] += g; H[7] += h;
}

#include "_sha256_ni.h"

static int use_sha_ni = 0;  /* set once at import when the CPU has the SHA extensions */

static inline void
compress(uint32_t H[8], const unsigned char *block)
{
#ifdef SSJ_HAVE_SHA_NI
    if (use_sha_ni) {
        compress_ni(H, block, K256);
        return;
    }
#endif
    compress_portable(H, block);
}

/* 5.1.1 padding: the message length in bits as a 64-bit big-endian number */
static void
store_length(unsigned char *p, uint64_t bytes)
{
    uint64_t bits = bytes * 8;
    store_be32(p, (uint32_t)(bits >> 32));
    store_be32(p + 4, (uint32_t)bits);
}

/* Finish a hash whose first `done` bytes (a multiple of 64) are already in H. */
static void
sha256_finish(uint32_t H[8], uint64_t done, const unsigned char *p, size_t n)
{
    unsigned char last[128];
    size_t total;

    done += n;
    while (n >= 64) {
        compress(H, p);
        p += 64;
        n -= 64;
    }
    total = n + 9 <= 64 ? 64 : 128;
    memcpy(last, p, n);
    last[n] = 0x80;
    memset(last + n + 1, 0, total - n - 1 - 8);
    store_length(last + total - 8, done);
    compress(H, last);
    if (total == 128) {
        compress(H, last + 64);
    }
}

#endif /* SSJ_SHA256_H */
