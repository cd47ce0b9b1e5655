#include <GL/osmesa.h>

#include <stdexcept>
#include <vector>

#include "envs/gl_context.h"

namespace fb::envs {
namespace {

// MuJoCo draws into its own framebuffer object; the OSMesa buffer only has to exist.
constexpr int kDummySize = 16;

class OsmesaContext final : public GlContext {
 public:
  OsmesaContext() : k_context_(OSMesaCreateContextExt(OSMESA_RGBA, 24, 8, 0, nullptr)) {
    if (k_context_ == nullptr) throw std::runtime_error("OSMesaCreateContextExt failed: no software GL context");
  }
  ~OsmesaContext() override { OSMesaDestroyContext(k_context_); }
  OsmesaContext(const OsmesaContext&) = delete;
  OsmesaContext& operator=(const OsmesaContext&) = delete;

 private:
  void DoMakeCurrent() override {
    if (!OSMesaMakeCurrent(k_context_, k_buffer_.data(), GL_UNSIGNED_BYTE, kDummySize, kDummySize)) {
      throw std::runtime_error("OSMesaMakeCurrent failed");
    }
  }

  OSMesaContext k_context_;
  std::vector<unsigned char> k_buffer_ = std::vector<unsigned char>(kDummySize * kDummySize * 4);
};

}  // namespace

std::unique_ptr<GlContext> MakeOsmesaContext() {
  if (ClaimFirstGlPlatform(GlPlatformUse::kOsmesaFirst) == GlPlatformUse::kEglFirst) {
    throw std::runtime_error(
        "the osmesa render backend cannot follow egl in one process: MuJoCo already resolved GL functions "
        "through EGL; use one backend per process");
  }
  return std::make_unique<OsmesaContext>();
}

}  // namespace fb::envs
