#ifndef SLUICE_CCURL_SHIM_H
#define SLUICE_CCURL_SHIM_H

#include <curl/curl.h>

// Swift cannot call C variadic functions (curl_easy_setopt, curl_multi_setopt,
// curl_easy_getinfo) and does not import macros built from other macros
// (CURL_GLOBAL_DEFAULT, CURLPAUSE_CONT). These wrappers give each use a typed,
// non-variadic entry point. Every helper is prefixed `sluice_curl_`.

// MARK: - Constants

/// Returned from a write callback to pause receiving; curl delivers the same
/// bytes again once the transfer is unpaused.
static inline size_t sluice_curl_writefunc_pause(void) {
    return CURL_WRITEFUNC_PAUSE;
}

/// Returned from a prerequest callback to let the request go ahead.
static inline int sluice_curl_prereqfunc_ok(void) {
    return CURL_PREREQFUNC_OK;
}

/// The largest chunk curl hands to a write callback in one call.
static inline size_t sluice_curl_max_write_size(void) {
    return CURL_MAX_WRITE_SIZE;
}

// MARK: - Global

static inline CURLcode sluice_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

// MARK: - Easy options

static inline CURLcode sluice_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sluice_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// For options taking a string: curl copies it, so the pointer need only live for the call.
static inline CURLcode sluice_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// For options taking an object pointer (callback user data, a header list, post fields):
/// curl keeps the pointer, so the caller keeps the object alive for the transfer.
static inline CURLcode sluice_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sluice_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/// For CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
static inline CURLcode sluice_curl_easy_setopt_write_callback(
    CURL *handle, CURLoption option, curl_write_callback callback
) {
    return curl_easy_setopt(handle, option, callback);
}

/// For CURLOPT_PREREQFUNCTION: called once the connection is established or reused.
static inline CURLcode sluice_curl_easy_setopt_prereq_callback(
    CURL *handle, CURLoption option, curl_prereq_callback callback
) {
    return curl_easy_setopt(handle, option, callback);
}

// MARK: - Easy info

static inline CURLcode sluice_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode sluice_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode sluice_curl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    return curl_easy_getinfo(handle, info, value);
}

// MARK: - Pausing

static inline CURLcode sluice_curl_easy_unpause(CURL *handle) {
    return curl_easy_pause(handle, CURLPAUSE_CONT);
}

// MARK: - Multi options

static inline CURLMcode sluice_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

/// CURLPIPE_MULTIPLEX: share HTTP/2 connections between transfers.
static inline long sluice_curl_pipe_multiplex(void) {
    return CURLPIPE_MULTIPLEX;
}

#endif
