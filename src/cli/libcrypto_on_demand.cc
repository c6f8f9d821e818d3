// libcrypto on demand: the tryaudex executable's own definitions of the
// OpenSSL functions Audex calls, each forwarding to libcrypto.so.3, which is
// opened with dlopen on the first call instead of being linked.
//
// Why: linked, libcrypto is loaded and relocated before main on every start,
// whatever the command: it is linked with BIND_NOW, so its 4,200 symbol
// references are all looked up then, 2.6 M instructions and 125 page faults
// (bench/startup_counts.sh, docs/performance.md), over a third of a
// `run --dry-run` or `--version` that never hashes or encrypts. Opened
// here, only the commands that do (credential-process, run, login, ...)
// pay it, and they pay less than before (RTLD_DEEPBIND, below).
//
// Only the tryaudex executable has these definitions (the unit tests, the
// benchmarks and tryaudex-server link libcrypto as usual); tryaudex links
// with --as-needed, so that libcrypto is left out of its DT_NEEDED as long as
// every function Audex calls is defined here. A function used without a
// definition here brings libcrypto back into DT_NEEDED (it still works,
// only slower), which the test build.libcrypto_on_demand reports. The
// definitions are not exported (the executable is not linked with
// -rdynamic), so libcurl's libssl, loading the same libcrypto.so.3 later,
// binds to OpenSSL's own functions; both share one library and its state.
#include <dlfcn.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <string.h>

#include <cstdio>
#include <cstdlib>

namespace {

// AddressSanitizer refuses RTLD_DEEPBIND (a library bound to itself first
// would bypass its malloc); a sanitizer build opens libcrypto plainly.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kDeepBind = 0;
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif

// The library, opened and initialised on the first call of any function
// below (thread-safe: a function-local static). A libcrypto that cannot be
// loaded is a broken installation (the package depends on libssl3): said
// and exit 2, as the dynamic loader would have refused to start tryaudex.
void* Library() {
  static void* const library = [] {
    // RTLD_DEEPBIND: libcrypto's references to its own functions (4,200,
    // bound at once: it is linked with BIND_NOW) are looked up in libcrypto
    // first, not after every library tryaudex links: 1.4 M instructions
    // less per credential-process or run (docs/performance.md). Its other
    // references go to libc as before; tryaudex defines no malloc of its
    // own, and libcrypto's only data from libc, stdin and stderr, keep the
    // values they start with (tryaudex never assigns them).
    void* handle = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL | kDeepBind);
    if (handle == nullptr) {
      const char* reason = dlerror();
      std::fprintf(stderr, "tryaudex: error: cannot load libcrypto.so.3 (%s); install libssl3\n",
                   reason != nullptr ? reason : "unknown reason");
      std::_Exit(2);
    }
    // OpenSSL frees its tables at exit unless told not to before its first
    // use: 1.1 M instructions at the end of every command that hashed,
    // signed or decrypted, for memory the process returns to the kernel
    // anyway (OPENSSL_init_crypto(3)).
    const auto init =
        reinterpret_cast<decltype(&::OPENSSL_init_crypto)>(dlsym(handle, "OPENSSL_init_crypto"));
    if (init != nullptr) init(OPENSSL_INIT_NO_ATEXIT, nullptr);
    return handle;
  }();
  return library;
}

template <typename Function>
Function Bind(const char* name) {
  void* symbol = dlsym(Library(), name);
  if (symbol == nullptr) {
    std::fprintf(stderr,
                 "tryaudex: error: libcrypto.so.3 has no %s; install libssl3 3.0 or later\n", name);
    std::_Exit(2);
  }
  return reinterpret_cast<Function>(symbol);
}

}  // namespace

// The real function `name`, looked up once per function.
#define AUDEX_OPENSSL(name) static const auto real = Bind<decltype(&::name)>(#name)

extern "C" {

BIO* BIO_new_mem_buf(const void* buf, int len) {
  AUDEX_OPENSSL(BIO_new_mem_buf);
  return real(buf, len);
}

int BIO_free(BIO* a) {
  AUDEX_OPENSSL(BIO_free);
  return real(a);
}

int CRYPTO_memcmp(const void* in_a, const void* in_b, size_t len) {
  AUDEX_OPENSSL(CRYPTO_memcmp);
  return real(in_a, in_b, len);
}

EVP_CIPHER_CTX* EVP_CIPHER_CTX_new(void) {
  AUDEX_OPENSSL(EVP_CIPHER_CTX_new);
  return real();
}

int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX* ctx, int type, int arg, void* ptr) {
  AUDEX_OPENSSL(EVP_CIPHER_CTX_ctrl);
  return real(ctx, type, arg, ptr);
}

void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX* ctx) {
  AUDEX_OPENSSL(EVP_CIPHER_CTX_free);
  real(ctx);
}

int EVP_EncodeBlock(unsigned char* t, const unsigned char* f, int n) {
  AUDEX_OPENSSL(EVP_EncodeBlock);
  return real(t, f, n);
}

int EVP_DecodeBlock(unsigned char* t, const unsigned char* f, int n) {
  AUDEX_OPENSSL(EVP_DecodeBlock);
  return real(t, f, n);
}

int EVP_EncryptInit_ex(EVP_CIPHER_CTX* ctx, const EVP_CIPHER* cipher, ENGINE* impl,
                       const unsigned char* key, const unsigned char* iv) {
  AUDEX_OPENSSL(EVP_EncryptInit_ex);
  return real(ctx, cipher, impl, key, iv);
}

int EVP_EncryptUpdate(EVP_CIPHER_CTX* ctx, unsigned char* out, int* outl, const unsigned char* in,
                      int inl) {
  AUDEX_OPENSSL(EVP_EncryptUpdate);
  return real(ctx, out, outl, in, inl);
}

int EVP_EncryptFinal_ex(EVP_CIPHER_CTX* ctx, unsigned char* out, int* outl) {
  AUDEX_OPENSSL(EVP_EncryptFinal_ex);
  return real(ctx, out, outl);
}

int EVP_DecryptInit_ex(EVP_CIPHER_CTX* ctx, const EVP_CIPHER* cipher, ENGINE* impl,
                       const unsigned char* key, const unsigned char* iv) {
  AUDEX_OPENSSL(EVP_DecryptInit_ex);
  return real(ctx, cipher, impl, key, iv);
}

int EVP_DecryptUpdate(EVP_CIPHER_CTX* ctx, unsigned char* out, int* outl, const unsigned char* in,
                      int inl) {
  AUDEX_OPENSSL(EVP_DecryptUpdate);
  return real(ctx, out, outl, in, inl);
}

int EVP_DecryptFinal_ex(EVP_CIPHER_CTX* ctx, unsigned char* outm, int* outl) {
  AUDEX_OPENSSL(EVP_DecryptFinal_ex);
  return real(ctx, outm, outl);
}

EVP_MD_CTX* EVP_MD_CTX_new(void) {
  AUDEX_OPENSSL(EVP_MD_CTX_new);
  return real();
}

void EVP_MD_CTX_free(EVP_MD_CTX* ctx) {
  AUDEX_OPENSSL(EVP_MD_CTX_free);
  real(ctx);
}

int EVP_DigestSignInit(EVP_MD_CTX* ctx, EVP_PKEY_CTX** pctx, const EVP_MD* type, ENGINE* e,
                       EVP_PKEY* pkey) {
  AUDEX_OPENSSL(EVP_DigestSignInit);
  return real(ctx, pctx, type, e, pkey);
}

int EVP_DigestSign(EVP_MD_CTX* ctx, unsigned char* sigret, size_t* siglen, const unsigned char* tbs,
                   size_t tbslen) {
  AUDEX_OPENSSL(EVP_DigestSign);
  return real(ctx, sigret, siglen, tbs, tbslen);
}

void EVP_PKEY_free(EVP_PKEY* pkey) {
  AUDEX_OPENSSL(EVP_PKEY_free);
  real(pkey);
}

int EVP_PKEY_get_base_id(const EVP_PKEY* pkey) {
  AUDEX_OPENSSL(EVP_PKEY_get_base_id);
  return real(pkey);
}

const EVP_CIPHER* EVP_aes_256_gcm(void) {
  AUDEX_OPENSSL(EVP_aes_256_gcm);
  return real();
}

const EVP_MD* EVP_sha256(void) {
  AUDEX_OPENSSL(EVP_sha256);
  return real();
}

unsigned char* HMAC(const EVP_MD* evp_md, const void* key, int key_len, const unsigned char* data,
                    size_t data_len, unsigned char* md, unsigned int* md_len) {
  AUDEX_OPENSSL(HMAC);
  return real(evp_md, key, key_len, data, data_len, md, md_len);
}

unsigned char* SHA256(const unsigned char* d, size_t n, unsigned char* md) {
  AUDEX_OPENSSL(SHA256);
  return real(d, n, md);
}

EVP_PKEY* PEM_read_bio_PrivateKey(BIO* bp, EVP_PKEY** x, pem_password_cb* cb, void* u) {
  AUDEX_OPENSSL(PEM_read_bio_PrivateKey);
  return real(bp, x, cb, u);
}

int OPENSSL_init_crypto(uint64_t opts, const OPENSSL_INIT_SETTINGS* settings) {
  AUDEX_OPENSSL(OPENSSL_init_crypto);
  return real(opts, settings);
}

// Erasing a secret (SecretString's destructor) must not load libcrypto: a
// dry run erases the base credentials it read. glibc's explicit_bzero gives
// OPENSSL_cleanse's guarantee, a clearing the compiler cannot remove
// (explicit_bzero(3)).
void OPENSSL_cleanse(void* ptr, size_t len) { explicit_bzero(ptr, len); }

}  // extern "C"
