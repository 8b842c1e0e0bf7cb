/*
 * The SHA-256 compression function (FIPS 180-4, 6.2.2) with the x86 SHA extensions
 * (sha256rnds2: two rounds on the state packed as ABEF/CDGH; sha256msg1/sha256msg2: the
 * message schedule of 6.2.2 step 1), used only when CPUID reports them. Elsewhere, with
 * other compilers or with -DSSJ_NO_SHA_NI, SSJ_HAVE_SHA_NI stays undefined and only the
 * portable C code runs.
 */
#ifndef SSJ_SHA256_NI_H
#define SSJ_SHA256_NI_H

#if (defined(__x86_64__) || defined(__i386__)) && !defined(SSJ_NO_SHA_NI) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 5))
#define SSJ_HAVE_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>

/* 1 when the CPU has SHA (CPUID.7.0:EBX bit 29), SSSE3 and SSE4.1 (CPUID.1:ECX 9, 19) */
static int
sha_ni_available(void)
{
    unsigned int a, b, c, d;

    if (__get_cpuid_max(0, NULL) < 7) {
        return 0;
    }
    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 9)) || !(c & (1u << 19))) {
        return 0;
    }
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 29)) != 0;
}

__attribute__((target("sha,ssse3,sse4.1")))
static void
compress_ni(uint32_t H[8], const unsigned char *block, const uint32_t *k)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i abef, cdgh, tmp, save_abef, save_cdgh, w, msg, m[4];
    int g;

    /* lanes are numbered from the low end: pack A..H as ABEF = (F, E, B, A) and
       CDGH = (H, G, D, C), the operand layout of sha256rnds2 */
    tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&H[0]), 0xB1);  /* B A D C */
    cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&H[4]), 0x1B); /* H G F E */
    abef = _mm_alignr_epi8(tmp, cdgh, 8);                                    /* F E B A */
    cdgh = _mm_blend_epi16(cdgh, tmp, 0xF0);                                 /* H G D C */
    save_abef = abef;
    save_cdgh = cdgh;
    for (g = 0; g < 16; g++) {  /* rounds 4g .. 4g+3 */
        if (g < 4) {
            w = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16 * g)), bswap);
        } else {
            /* m[g&3] = W[4g-16..], then W[4g-12..], W[4g-8..], W[4g-4..] */
            __m128i w16 = m[g & 3], w12 = m[(g + 1) & 3];
            __m128i w8 = m[(g + 2) & 3], w4 = m[(g + 3) & 3];
            w = _mm_sha256msg1_epu32(w16, w12);            /* W[t-16] + s0(W[t-15]) */
            w = _mm_add_epi32(w, _mm_alignr_epi8(w4, w8, 4)); /* + W[t-7] */
            w = _mm_sha256msg2_epu32(w, w4);               /* + s1(W[t-2]) */
        }
        m[g & 3] = w;
        msg = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)(k + 4 * g)));
        /* two rounds each; the previous ABEF is the next CDGH, so the names alternate
           and after the pair abef/cdgh hold ABEF/CDGH again */
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
        msg = _mm_shuffle_epi32(msg, 0x0E);
        abef = _mm_sha256rnds2_epu32(abef, cdgh, msg);
    }
    abef = _mm_add_epi32(abef, save_abef);
    cdgh = _mm_add_epi32(cdgh, save_cdgh);
    tmp = _mm_shuffle_epi32(abef, 0x1B);                    /* A B E F */
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1);                   /* G H C D */
    _mm_storeu_si128((__m128i *)&H[0], _mm_blend_epi16(tmp, cdgh, 0xF0));  /* A B C D */
    _mm_storeu_si128((__m128i *)&H[4], _mm_alignr_epi8(cdgh, tmp, 8));     /* E F G H */
}
#endif

#endif /* SSJ_SHA256_NI_H */
