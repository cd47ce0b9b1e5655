// The only file that includes EGL headers. libEGL is opened at run time (never linked), so
// binaries that only use OSMesa never load it; see gl_context.h for why that matters.
#include <dlfcn.h>

#include <EGL/egl.h>
#include <EGL/eglext.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "envs/gl_context.h"

namespace fb::envs {
namespace {

constexpr int kMaxDevices = 16;

// The EGL entry points used, resolved from libEGL.so.1 once per process.
struct EglApi {
  PFNEGLGETPROCADDRESSPROC GetProcAddress = nullptr;
  PFNEGLGETERRORPROC GetError = nullptr;
  PFNEGLGETDISPLAYPROC GetDisplay = nullptr;
  PFNEGLINITIALIZEPROC Initialize = nullptr;
  PFNEGLQUERYSTRINGPROC QueryString = nullptr;
  PFNEGLBINDAPIPROC BindAPI = nullptr;
  PFNEGLCHOOSECONFIGPROC ChooseConfig = nullptr;
  PFNEGLCREATECONTEXTPROC CreateContext = nullptr;
  PFNEGLDESTROYCONTEXTPROC DestroyContext = nullptr;
  PFNEGLMAKECURRENTPROC MakeCurrent = nullptr;
  PFNEGLGETCURRENTCONTEXTPROC GetCurrentContext = nullptr;
  PFNEGLGETPLATFORMDISPLAYEXTPROC GetPlatformDisplay = nullptr;  // null without EGL_EXT_platform_base
  PFNEGLQUERYDEVICESEXTPROC QueryDevices = nullptr;              // null without EGL_EXT_device_enumeration
};

template <class F>
void Resolve(void* library, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(library, name));
  if (out == nullptr) throw std::runtime_error(fmt::format("libEGL.so.1 lacks {}", name));
}

const EglApi& Egl() {
  static std::once_flag once;
  static EglApi api;
  static std::string failure;
  std::call_once(once, [] {
    // EGL first: global, so MuJoCo resolves GL through eglGetProcAddress (any EGL vendor).
    // OSMesa first: local, so MuJoCo keeps OSMesa's resolver (see gl_context.h).
    const bool global = ClaimFirstGlPlatform(GlPlatformUse::kEglFirst) == GlPlatformUse::kEglFirst;
    void* library = dlopen("libEGL.so.1", RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL));
    if (library == nullptr) {
      failure = fmt::format("cannot load libEGL.so.1 ({}); install libegl1 and libegl-mesa0", dlerror());
      return;
    }
    try {
      Resolve(library, "eglGetProcAddress", api.GetProcAddress);
      Resolve(library, "eglGetError", api.GetError);
      Resolve(library, "eglGetDisplay", api.GetDisplay);
      Resolve(library, "eglInitialize", api.Initialize);
      Resolve(library, "eglQueryString", api.QueryString);
      Resolve(library, "eglBindAPI", api.BindAPI);
      Resolve(library, "eglChooseConfig", api.ChooseConfig);
      Resolve(library, "eglCreateContext", api.CreateContext);
      Resolve(library, "eglDestroyContext", api.DestroyContext);
      Resolve(library, "eglMakeCurrent", api.MakeCurrent);
      Resolve(library, "eglGetCurrentContext", api.GetCurrentContext);
    } catch (const std::exception& e) {
      failure = e.what();
      return;
    }
    api.GetPlatformDisplay =
        reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(api.GetProcAddress("eglGetPlatformDisplayEXT"));
    api.QueryDevices = reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(api.GetProcAddress("eglQueryDevicesEXT"));
  });
  if (!failure.empty()) throw std::runtime_error(failure);
  return api;
}

std::runtime_error EglError(const EglApi& egl, const char* call) {
  return std::runtime_error(fmt::format("{} failed (EGL error 0x{:04x})", call, egl.GetError()));
}

bool Initialized(const EglApi& egl, EGLDisplay display) {
  if (display == EGL_NO_DISPLAY) return false;
  EGLint major = 0, minor = 0;
  return egl.Initialize(display, &major, &minor) == EGL_TRUE;
}

// The device platform's first usable device, else Mesa's surfaceless platform, else the
// default display.
EGLDisplay OpenDisplay(const EglApi& egl) {
  if (egl.GetPlatformDisplay != nullptr && egl.QueryDevices != nullptr) {
    EGLDeviceEXT devices[kMaxDevices];
    EGLint count = 0;
    if (egl.QueryDevices(kMaxDevices, devices, &count) == EGL_TRUE) {
      for (EGLint i = 0; i < count; ++i) {
        EGLDisplay display = egl.GetPlatformDisplay(EGL_PLATFORM_DEVICE_EXT, devices[i], nullptr);
        if (Initialized(egl, display)) return display;
      }
    }
  }
  if (egl.GetPlatformDisplay != nullptr) {
    EGLDisplay display = egl.GetPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
    if (Initialized(egl, display)) return display;
  }
  EGLDisplay display = egl.GetDisplay(EGL_DEFAULT_DISPLAY);
  if (Initialized(egl, display)) return display;
  throw EglError(egl, "eglInitialize (device, surfaceless and default displays)");
}

class EglContext final : public GlContext {
 public:
  EglContext() : k_egl_(Egl()), k_display_(OpenDisplay(k_egl_)) {
    if (FirstGlPlatform() == GlPlatformUse::kOsmesaFirst) {
      const char* vendor = k_egl_.QueryString(k_display_, EGL_VENDOR);
      if (vendor == nullptr || std::string(vendor).find("Mesa") == std::string::npos) {
        throw std::runtime_error(fmt::format(
            "the egl render backend (vendor '{}') cannot follow osmesa in one process: MuJoCo already resolved GL "
            "functions through OSMesa, which reach Mesa contexts only; use one backend per process",
            vendor == nullptr ? "unknown" : vendor));
      }
    }
    const EGLint config_attributes[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RED_SIZE,     8,
                                        EGL_GREEN_SIZE,   8,               EGL_BLUE_SIZE,    8,
                                        EGL_ALPHA_SIZE,   8,               EGL_DEPTH_SIZE,   24,
                                        EGL_STENCIL_SIZE, 8,               EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT,
                                        EGL_NONE};
    EGLConfig config = nullptr;
    EGLint configs = 0;
    if (k_egl_.ChooseConfig(k_display_, config_attributes, &config, 1, &configs) != EGL_TRUE || configs < 1) {
      throw EglError(k_egl_, "eglChooseConfig (RGBA8, depth 24, stencil 8, desktop OpenGL)");
    }
    if (k_egl_.BindAPI(EGL_OPENGL_API) != EGL_TRUE) throw EglError(k_egl_, "eglBindAPI(EGL_OPENGL_API)");
    // No attributes: a compatibility-profile context, which MuJoCo's fixed-function renderer needs.
    k_context_ = k_egl_.CreateContext(k_display_, config, EGL_NO_CONTEXT, nullptr);
    if (k_context_ == EGL_NO_CONTEXT) throw EglError(k_egl_, "eglCreateContext");
  }
  ~EglContext() override {
    if (k_egl_.GetCurrentContext() == k_context_) {
      k_egl_.MakeCurrent(k_display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    }
    k_egl_.DestroyContext(k_display_, k_context_);
  }
  EglContext(const EglContext&) = delete;
  EglContext& operator=(const EglContext&) = delete;

 private:
  void DoMakeCurrent() override {
    // EGL may still count this context current after OSMesa took over the thread: release
    // it first, or eglMakeCurrent would do nothing.
    if (k_egl_.GetCurrentContext() == k_context_) {
      k_egl_.MakeCurrent(k_display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    }
    // Surfaceless (EGL_KHR_surfaceless_context): MuJoCo renders into its own framebuffer object.
    if (k_egl_.MakeCurrent(k_display_, EGL_NO_SURFACE, EGL_NO_SURFACE, k_context_) != EGL_TRUE) {
      throw EglError(k_egl_, "eglMakeCurrent (surfaceless)");
    }
  }

  const EglApi& k_egl_;
  EGLDisplay k_display_;
  EGLContext k_context_ = EGL_NO_CONTEXT;
};

}  // namespace

std::unique_ptr<GlContext> MakeEglContext() { return std::make_unique<EglContext>(); }

}  // namespace fb::envs
