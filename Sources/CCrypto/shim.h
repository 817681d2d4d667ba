#ifndef SLUICE_CCRYPTO_SHIM_H
#define SLUICE_CCRYPTO_SHIM_H
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/bio.h>
#include <openssl/x509.h>

/* XN_FLAG_RFC2253 is a macro of macros, which Swift does not import. */
static const unsigned long sluice_xn_flag_rfc2253 = XN_FLAG_RFC2253;
#endif
