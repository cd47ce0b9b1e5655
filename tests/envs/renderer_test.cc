#include "envs/renderer.h"

#include <cmath>
#include <cstdlib>
#include <memory>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/model_loader.h"

namespace fb::envs {
namespace {

using ::testing::HasSubstr;

double PixelStdDev(const RgbImage& image) {
  double sum = 0, sum2 = 0;
  for (uint8_t p : image.pixels) {
    sum += p;
    sum2 += static_cast<double>(p) * p;
  }
  const double n = static_cast<double>(image.pixels.size());
  return std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n)));
}

// GL context and MuJoCo render-context creation dominate the cost: share one renderer.
class RendererTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { renderer_ = new Renderer(); }
  static void TearDownTestSuite() {
    delete renderer_;
    renderer_ = nullptr;
  }
  static Renderer* renderer_;
};
Renderer* RendererTest::renderer_ = nullptr;

TEST_F(RendererTest, AgentviewAndWristCamerasShowTheScene) {
  for (const char* name : {"aloha", "panda", "ur5e", "widowx250"}) {
    SCOPED_TRACE(name);
    const EmbodimentSpec spec = EmbodimentSpec::Load(name);
    ModelPtr m = LoadModel(spec);
    DataPtr d = MakeData(m.get());
    ResetToHome(spec, m.get(), d.get());
    const RgbImage agent = renderer_->Render(m.get(), d.get(), "agentview", 128, 128);
    EXPECT_EQ(agent.width, 128);
    EXPECT_EQ(agent.height, 128);
    ASSERT_EQ(agent.pixels.size(), 128u * 128u * 3u);
    EXPECT_GT(PixelStdDev(agent), 15.0);
    for (int a = 0; a < spec.num_arms(); ++a) {
      const RgbImage wrist = renderer_->Render(m.get(), d.get(), spec.arm(a).wrist_camera, 128, 128);
      EXPECT_GT(PixelStdDev(wrist), 15.0) << spec.arm(a).wrist_camera;
    }
  }
}

// A red box above the camera's optical axis must land in the top rows of the image.
TEST_F(RendererTest, RowsComeTopFirst) {
  ModelPtr m = LoadModelFromString(R"(
<mujoco>
  <visual><global offwidth="64" offheight="64"/><quality offsamples="0"/></visual>
  <worldbody>
    <light pos="0 0 2" dir="0 0 -1"/>
    <camera name="up" pos="0 0 0" fovy="60"/>
    <geom type="box" pos="0 0.6 -2" size="0.5 0.3 0.1" rgba="1 0 0 1"/>
  </worldbody>
</mujoco>)",
                                   "box");
  DataPtr d = MakeData(m.get());
  mj_forward(m.get(), d.get());
  const RgbImage image = renderer_->Render(m.get(), d.get(), "up", 64, 64);
  auto red_pixels_in_rows = [&](int y0, int y1) {
    int count = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = 0; x < image.width; ++x) {
        const uint8_t* p = &image.pixels[3 * static_cast<size_t>(y * image.width + x)];
        if (p[0] > 100 && p[1] < 60 && p[2] < 60) ++count;
      }
    }
    return count;
  };
  EXPECT_GT(red_pixels_in_rows(0, 32), 100);
  EXPECT_EQ(red_pixels_in_rows(32, 64), 0);
}

TEST_F(RendererTest, RendersLargerThanTheModelsOffscreenBuffer) {
  const EmbodimentSpec spec = EmbodimentSpec::Load("widowx250");
  ModelPtr m = LoadModel(spec);
  DataPtr d = MakeData(m.get());
  ResetToHome(spec, m.get(), d.get());
  const RgbImage image = renderer_->Render(m.get(), d.get(), "agentview", 320, 240);
  EXPECT_EQ(image.width, 320);
  EXPECT_EQ(image.height, 240);
  EXPECT_GT(PixelStdDev(image), 15.0);
}

TEST_F(RendererTest, UnknownCameraListsTheModelsCameras) {
  const EmbodimentSpec spec = EmbodimentSpec::Load("panda");
  ModelPtr m = LoadModel(spec);
  DataPtr d = MakeData(m.get());
  try {
    renderer_->Render(m.get(), d.get(), "frontview", 64, 64);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown camera 'frontview'; the model's cameras: agentview, sideview, wrist_cam"));
  }
  EXPECT_THROW(renderer_->Render(m.get(), d.get(), "agentview", 0, 64), InputError);
}

TEST(RendererStandaloneTest, TwoRenderersOnOneThreadTakeTurns) {
  const EmbodimentSpec spec = EmbodimentSpec::Load("panda");
  ModelPtr m = LoadModel(spec);
  DataPtr d = MakeData(m.get());
  ResetToHome(spec, m.get(), d.get());
  Renderer first;
  Renderer second;
  const RgbImage a = first.Render(m.get(), d.get(), "agentview", 64, 64);
  const RgbImage b = second.Render(m.get(), d.get(), "agentview", 64, 64);
  const RgbImage c = first.Render(m.get(), d.get(), "agentview", 64, 64);
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_EQ(a.pixels, c.pixels);
}

TEST(RenderBackendTest, NamesRoundTripAndUnknownNamesAreRejected) {
  EXPECT_EQ(ParseRenderBackend("osmesa"), RenderBackend::kOsmesa);
  EXPECT_EQ(ParseRenderBackend("egl"), RenderBackend::kEgl);
  EXPECT_EQ(RenderBackendName(RenderBackend::kEgl), "egl");
  try {
    ParseRenderBackend("vulkan");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown render backend 'vulkan'; choose osmesa or egl"));
  }
}

// The same state through EGL and OSMesa: both are rasterisers of the same fixed-function
// pipeline, so the frames agree up to rounding at edges. OSMesa's renderer is made first, so
// this process keeps OSMesa's GL resolver and the EGL context must be Mesa's (gl_context.h).
TEST(RenderBackendTest, EglFrameMatchesOsmesaFrame) {
  const EmbodimentSpec spec = EmbodimentSpec::Load("panda");
  ModelPtr m = LoadModel(spec);
  DataPtr d = MakeData(m.get());
  ResetToHome(spec, m.get(), d.get());
  Renderer osmesa(RenderBackend::kOsmesa);
  const RgbImage reference = osmesa.Render(m.get(), d.get(), "agentview", 128, 128);
  std::unique_ptr<Renderer> egl;
  try {
    egl = std::make_unique<Renderer>(RenderBackend::kEgl);
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "no EGL display here: " << e.what();
  }
  for (const char* camera : {"agentview", "wrist_cam"}) {
    SCOPED_TRACE(camera);
    const RgbImage a = osmesa.Render(m.get(), d.get(), camera, 128, 128);
    const RgbImage b = egl->Render(m.get(), d.get(), camera, 128, 128);
    ASSERT_EQ(a.pixels.size(), b.pixels.size());
    double diff = 0;
    for (size_t i = 0; i < a.pixels.size(); ++i) diff += std::abs(int{a.pixels[i]} - int{b.pixels[i]});
    EXPECT_LT(diff / static_cast<double>(a.pixels.size()), 2.0) << "mean absolute difference per channel";
    EXPECT_GT(PixelStdDev(b), 15.0);
  }
  // OSMesa still renders after EGL was used in between.
  EXPECT_EQ(osmesa.Render(m.get(), d.get(), "agentview", 128, 128).pixels, reference.pixels);
}

}  // namespace
}  // namespace fb::envs
