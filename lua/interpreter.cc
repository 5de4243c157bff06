// The Interpreter: owning the VM, loading scripts, running them; plus Sha1Hex, the shebang
// parser and Redis's PRNG. The pieces a run uses live beside it: sandbox.cc (the read-only
// environment), redis_api.cc (redis.*, math.random, the kill hook), convert.cc (RESP <->
// Lua). Behaviour and texts follow Redis 7.0's src/eval.c and src/script_lua.c.
#include "lua/interpreter.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "lua/convert.h"
#include "lua/lua_libs.h"
#include "lua/redis_api.h"
#include "lua/sandbox.h"
#include "protocol/strings.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

namespace shoal::lua {

namespace {

constexpr int kHookInstructions = 100000;  // as Redis: the kill hook runs this often
constexpr uint32_t kGcPeriod = 50;         // as Redis's LUA_GC_CYCLE_PERIOD

// The live VMs, for AllHeapBytes.
std::mutex& VmsMutex() {
  static std::mutex mu;
  return mu;
}
std::vector<const Interpreter*>& Vms() {
  static std::vector<const Interpreter*> vms;
  return vms;
}

// Registry key "f_<sha>" for a script (sha lowercased).
void FunctionName(std::string_view sha, char out[43]) {
  out[0] = 'f';
  out[1] = '_';
  size_t n = std::min<size_t>(sha.size(), 40);
  for (size_t i = 0; i < n; i++) out[2 + i] = AsciiLower(sha[i]);
  out[2 + n] = '\0';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsArgSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

// Splits `line` into arguments as Redis's sdssplitargs does: separated by white space,
// "double quoted" (with \n \r \t \b \a \\ \" and \xHH escapes) or 'single quoted' (with
// \'); a closing quote must be followed by white space. False on unbalanced quotes.
bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  size_t p = 0, n = line.size();
  while (true) {
    while (p < n && IsArgSpace(line[p])) p++;
    if (p >= n) return true;
    std::string current;
    bool inq = false, insq = false, done = false;
    while (!done) {
      if (inq) {
        if (p >= n) return false;
        char c = line[p];
        if (c == '\\' && p + 3 < n && line[p + 1] == 'x' && HexValue(line[p + 2]) >= 0 &&
            HexValue(line[p + 3]) >= 0) {
          current.push_back(static_cast<char>(HexValue(line[p + 2]) * 16 + HexValue(line[p + 3])));
          p += 3;
        } else if (c == '\\' && p + 1 < n) {
          p++;
          switch (line[p]) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'a': c = '\a'; break;
            default: c = line[p];
          }
          current.push_back(c);
        } else if (c == '"') {
          if (p + 1 < n && !IsArgSpace(line[p + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else if (insq) {
        if (p >= n) return false;
        char c = line[p];
        if (c == '\\' && p + 1 < n && line[p + 1] == '\'') {
          p++;
          current.push_back('\'');
        } else if (c == '\'') {
          if (p + 1 < n && !IsArgSpace(line[p + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else {
        if (p >= n) break;
        char c = line[p];
        if (IsArgSpace(c)) {
          done = true;
        } else if (c == '"') {
          inq = true;
        } else if (c == '\'') {
          insq = true;
        } else {
          current.push_back(c);
        }
      }
      if (p < n) p++;
    }
    out->push_back(std::move(current));
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------
// Rand48 (Redis's src/rand.c).

void Rand48::Seed(int32_t seed) {
  x_ = (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E;
}

int32_t Rand48::Next() {
  x_ = (0x5DEECE66DULL * x_ + 0xB) & ((1ULL << 48) - 1);
  return static_cast<int32_t>(x_ >> 17);
}

namespace {

void LoadLib(lua_State* L, const char* name, lua_CFunction open) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  if (name[0] != '\0' && lua_istable(L, -1)) {
    lua_setglobal(L, name);
  } else {
    lua_pop(L, 1);
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------

std::string Sha1Hex(std::string_view body) {
  // The algorithm is fetched once and each thread keeps its context: EVP_Digest with
  // EVP_sha1() fetches it again on every call, which costs more than hashing a script.
  static const EVP_MD* const sha1 = [] {
    const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    return md != nullptr ? md : EVP_sha1();
  }();
  struct CtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  thread_local std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestInit_ex(ctx.get(), sha1, nullptr);
  EVP_DigestUpdate(ctx.get(), body.data(), body.size());
  EVP_DigestFinal_ex(ctx.get(), md, &md_len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(40, '0');
  for (int i = 0; i < 20; i++) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 0xf];
  }
  return out;
}

bool ParseShebang(std::string_view body, ScriptFlags* flags, size_t* code_offset,
                  std::string* error) {
  *flags = ScriptFlags();
  *code_offset = 0;
  if (body.substr(0, 2) != "#!") return true;
  flags->has_shebang = true;
  size_t nl = body.find('\n');
  if (nl == std::string_view::npos) {
    *error = "ERR Invalid script shebang";
    return false;
  }
  *code_offset = nl;
  std::vector<std::string> parts;
  if (!SplitArgs(body.substr(0, nl), &parts) || parts.empty()) {
    *error = "ERR Invalid engine in script shebang";
    return false;
  }
  if (parts[0] != "#!lua") {
    *error = StrCat("ERR Unexpected engine in script shebang: ", parts[0]);
    return false;
  }
  for (size_t j = 1; j < parts.size(); j++) {
    std::string_view part = parts[j];
    if (part.substr(0, 6) != "flags=") {
      *error = StrCat("ERR Unknown lua shebang option: ", part);
      return false;
    }
    std::string_view list = part.substr(6);
    if (list.empty()) continue;  // "flags=": no flags
    for (size_t start = 0;;) {
      size_t comma = list.find(',', start);
      std::string_view flag =
          list.substr(start, comma == std::string_view::npos ? comma : comma - start);
      if (flag == "no-writes") flags->no_writes = true;
      else if (flag == "allow-oom") flags->allow_oom = true;
      else if (flag == "allow-stale") flags->allow_stale = true;
      else if (flag == "no-cluster") flags->no_cluster = true;
      else if (flag == "allow-cross-slot-keys") flags->allow_cross_slot_keys = true;
      else {
        *error = StrCat("ERR Unexpected flag in script shebang: ", flag);
        return false;
      }
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return true;
}

void* Interpreter::Alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  // Lua 5.1 gives osize 0 for a new block.
  auto* vm = static_cast<Interpreter*>(ud);
  const size_t held = vm->heap_bytes_.load(std::memory_order_relaxed);
  if (nsize == 0) {
    free(ptr);
    vm->heap_bytes_.store(held - osize, std::memory_order_relaxed);
    return nullptr;
  }
  void* block = realloc(ptr, nsize);
  if (block != nullptr) vm->heap_bytes_.store(held - osize + nsize, std::memory_order_relaxed);
  return block;
}

Interpreter::Interpreter() {
  Open();
  std::lock_guard<std::mutex> lock(VmsMutex());
  Vms().push_back(this);
}

Interpreter::~Interpreter() {
  {
    std::lock_guard<std::mutex> lock(VmsMutex());
    std::erase(Vms(), this);
  }
  Close();
}

void Interpreter::Close() {
  if (lua_ != nullptr) lua_close(lua_);
  lua_ = nullptr;
  script_count_ = 0;
}

void Interpreter::Flush() {
  Close();
  Open();
}

size_t Interpreter::AllHeapBytes() {
  std::lock_guard<std::mutex> lock(VmsMutex());
  size_t bytes = 0;
  for (const Interpreter* vm : Vms()) bytes += vm->MemoryBytes();
  return bytes;
}

int Interpreter::StackDepth() const { return lua_gettop(lua_); }

void Interpreter::Open() {
  lua_State* L = lua_newstate(Alloc, this);
  lua_ = L;

  CreateSandboxRegistry(L);

  // Libraries, into the (still plain) globals table.
  LoadLib(L, "", luaopen_base);
  LoadLib(L, LUA_TABLIBNAME, luaopen_table);
  LoadLib(L, LUA_STRLIBNAME, luaopen_string);
  LoadLib(L, LUA_MATHLIBNAME, luaopen_math);
  LoadLib(L, "cjson", luaopen_cjson);
  LoadLib(L, "struct", luaopen_struct);
  LoadLib(L, "cmsgpack", luaopen_cmsgpack);
  LoadLib(L, "bit", luaopen_bit);
  ReplaceBaseFunctions(L);
  RegisterRedisApi(L);
  LockDownGlobals(L);
  lua_settop(L, 0);
}

bool Interpreter::Has(std::string_view sha) const {
  char name[43];
  FunctionName(sha, name);
  lua_getfield(lua_, LUA_REGISTRYINDEX, name);
  bool found = lua_isfunction(lua_, -1);
  lua_pop(lua_, 1);
  return found;
}

bool Interpreter::Load(std::string_view sha, std::string_view body, std::string* error) {
  if (Has(sha)) return true;
  RestoreGlobals(lua_);
  ScriptFlags flags;
  size_t offset;
  if (!ParseShebang(body, &flags, &offset, error)) return false;
  std::string_view code = body.substr(offset);
  if (luaL_loadbuffer(lua_, code.data(), code.size(), "@user_script") != 0) {
    const char* msg = lua_tostring(lua_, -1);
    *error = StrCat("ERR Error compiling script (new function): ", msg ? msg : "");
    lua_pop(lua_, 1);
    return false;
  }
  char name[43];
  FunctionName(sha, name);
  lua_setfield(lua_, LUA_REGISTRYINDEX, name);
  script_count_++;
  return true;
}

Interpreter::RunStatus Interpreter::Run(std::string_view sha,
                                        absl::Span<const std::string_view> keys,
                                        absl::Span<const std::string_view> argv, Host& host,
                                        protocol::ReplyWriter& reply) {
  if (run_.host != nullptr) {
    // A script's command tried to run a script on the same VM: the engine must refuse
    // EVAL inside scripts; refuse here too rather than corrupt the running one.
    reply.Error("ERR This Redis command is not allowed from script");
    return RunStatus::kError;
  }
  lua_State* L = lua_;
  char name[43];
  FunctionName(sha, name);
  PushErrorHandler(L);
  lua_getfield(L, LUA_REGISTRYINDEX, name);
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, 2);
    reply.Error("NOSCRIPT No matching script. Please use EVAL.");
    return RunStatus::kNoScript;
  }
  // A previous run may have called setfenv(0, ...) or setfenv(1, ...): every run starts
  // with the read-only globals, for the thread and for the script's function.
  RestoreGlobals(lua_);
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_setfenv(L, -2);

  // KEYS and ARGV, fresh tables in the real globals.
  PushRealGlobals(L);
  lua_pushliteral(L, "KEYS");
  lua_createtable(L, static_cast<int>(keys.size()), 0);
  for (size_t j = 0; j < keys.size(); j++) {
    lua_pushlstring(L, keys[j].data(), keys[j].size());
    lua_rawseti(L, -2, static_cast<int>(j + 1));
  }
  lua_rawset(L, -3);
  lua_pushliteral(L, "ARGV");
  lua_createtable(L, static_cast<int>(argv.size()), 0);
  for (size_t j = 0; j < argv.size(); j++) {
    lua_pushlstring(L, argv[j].data(), argv[j].size());
    lua_rawseti(L, -2, static_cast<int>(j + 1));
  }
  lua_rawset(L, -3);
  lua_pop(L, 1);

  run_.host = &host;
  run_.resp = 2;
  run_.killed = false;
  lua_sethook(L, CountHook, LUA_MASKCOUNT, kHookInstructions);

  int err = lua_pcall(L, 0, 1, -2);

  if (++runs_since_gc_ == kGcPeriod) {
    lua_gc(L, LUA_GCSTEP, kGcPeriod);
    runs_since_gc_ = 0;
  }
  if (err) {
    WriteScriptError(L, std::string_view(name + 2), reply);
  } else {
    WriteLuaAsResp(L, reply, run_.resp);
  }
  lua_sethook(L, nullptr, 0, 0);
  run_.host = nullptr;
  lua_pop(L, 1);  // the error handler
  if (!err) return RunStatus::kOk;
  return run_.killed ? RunStatus::kKilled : RunStatus::kError;
}

}  // namespace shoal::lua
