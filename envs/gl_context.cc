#include "envs/gl_context.h"

#include <atomic>

namespace fb::envs {
namespace {

std::atomic<GlPlatformUse> g_first{GlPlatformUse::kUnset};
thread_local const GlContext* g_current = nullptr;  // the last context made current on this thread

}  // namespace

GlContext::~GlContext() {
  if (g_current == this) g_current = nullptr;
}

void GlContext::MakeCurrent() {
  if (g_current == this) return;
  DoMakeCurrent();
  g_current = this;
}

GlPlatformUse FirstGlPlatform() { return g_first.load(); }

GlPlatformUse ClaimFirstGlPlatform(GlPlatformUse use) {
  GlPlatformUse expected = GlPlatformUse::kUnset;
  g_first.compare_exchange_strong(expected, use);
  return g_first.load();
}

}  // namespace fb::envs
