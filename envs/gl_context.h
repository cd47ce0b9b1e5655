// The GL platform under a Renderer: a headless context that can be made current on the
// calling thread. MuJoCo draws into its own offscreen framebuffer object, so a context needs
// no window or pbuffer of its own.
//
// MuJoCo resolves GL functions once per process, through the first GetProcAddress it finds
// (EGL before OSMesa), so the platforms share a process only when both are Mesa: then every
// function resolves to Mesa's shared dispatch, which follows whichever context is current.
// The first context made decides: OSMesa first keeps libEGL out of the global symbol scope
// (an EGL context made later must be Mesa's); EGL first puts libEGL there, so any EGL
// vendor (a GPU's included) works, and OSMesa is refused afterwards.
#pragma once

#include <memory>

namespace fb::envs {

class GlContext {
 public:
  virtual ~GlContext();
  // Makes the context current on the calling thread unless it was the last one made current
  // there; throws std::runtime_error on failure. Tracked here rather than asked of the
  // platforms, because with two platforms in a process neither knows the other's switches.
  void MakeCurrent();

 private:
  // Makes the context current, whatever the platform believes is current.
  virtual void DoMakeCurrent() = 0;
};

// Software GL through libOSMesa. Throws std::runtime_error when no context can be made or
// an EGL context was made first in this process.
std::unique_ptr<GlContext> MakeOsmesaContext();

// Headless EGL (libEGL loaded at run time): the device platform (a GPU when there is one),
// else Mesa's surfaceless platform, else the default display. Throws std::runtime_error
// naming the failing EGL call (and its error code) when EGL is unavailable.
std::unique_ptr<GlContext> MakeEglContext();

// Which platform made the process's first context; Unset until then. Set by the makers.
enum class GlPlatformUse { kUnset, kOsmesaFirst, kEglFirst };
GlPlatformUse FirstGlPlatform();
// Records `use` if nothing is recorded yet; returns the recorded value.
GlPlatformUse ClaimFirstGlPlatform(GlPlatformUse use);

}  // namespace fb::envs
