"""Writes tools/realCode/torchCorpus.json, the real-code PyTorch corpus of issue 15.

    python3 tools/realCode/makeTorchCorpus.py [CORPUS]     # CORPUS defaults to /work/corpus

Each case is one call of `case` below: an id, the repository, a kind, the model file, a model
expression evaluated in that file's namespace, and the forward inputs (F: float, L: long token
ids below `high`; `keyword` inputs are passed by name). Commits come from CORPUS/commits.txt,
one "owner+name sha" line per repository, written when the repositories were brought into
CORPUS (their .py/.json/.yaml files at that commit, one folder per repository named owner+name).
"""
import json
import os
import sys

CORPUS = sys.argv[1] if len(sys.argv) > 1 else "/work/corpus"
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(CORPUS, "commits.txt"), encoding="utf-8") as handle:
    commits = dict(line.split() for line in handle if line.strip())
L = lambda name, shape, high: {"name": name, "shape": shape, "dtype": "long", "high": high}
F = lambda name, shape: {"name": name, "shape": shape, "dtype": "float"}
C = []
def case(id, repo, kind, path, model, inputs, cut=None):
    C.append({"id": id, "repo": repo, "commit": commits[repo.replace('/', '+')], "kind": kind, "path": path,
              "model": model, "inputs": inputs, **({"cut": cut} if cut else {})})
G = "eriklindernoren/PyTorch-GAN"
case("pytorchgan_cyclegan_generator", G, "GAN", "implementations/cyclegan/models.py", "GeneratorResNet((3, 64, 64), 3)", [F("x", [1, 3, 64, 64])])
case("pytorchgan_cyclegan_discriminator", G, "GAN", "implementations/cyclegan/models.py", "Discriminator((3, 64, 64))", [F("img", [1, 3, 64, 64])])
case("pytorchgan_pix2pix_generator", G, "GAN", "implementations/pix2pix/models.py", "GeneratorUNet()", [F("x", [1, 3, 256, 256])])
case("pytorchgan_pix2pix_discriminator", G, "GAN", "implementations/pix2pix/models.py", "Discriminator()", [F("img_A", [1, 3, 64, 64]), F("img_B", [1, 3, 64, 64])])
case("pytorchgan_srgan_generator", G, "super-resolution", "implementations/srgan/models.py", "GeneratorResNet(n_residual_blocks=4)", [F("x", [1, 3, 24, 24])])
case("pytorchgan_srgan_discriminator", G, "super-resolution", "implementations/srgan/models.py", "Discriminator((3, 96, 96))", [F("img", [1, 3, 96, 96])])
case("pytorchgan_esrgan_generator", G, "super-resolution", "implementations/esrgan/models.py", "GeneratorRRDB(3, filters=32, num_res_blocks=2)", [F("x", [1, 3, 16, 16])])
case("pytorchgan_stargan_generator", G, "GAN", "implementations/stargan/models.py", "GeneratorResNet(img_shape=(3, 64, 64), res_blocks=3, c_dim=5)", [F("x", [1, 3, 64, 64]), F("c", [1, 5])])
case("pytorchgan_stargan_discriminator", G, "GAN", "implementations/stargan/models.py", "Discriminator(img_shape=(3, 64, 64), c_dim=5, n_strided=4)", [F("img", [1, 3, 64, 64])])
case("pytorchgan_munit_encoder", G, "GAN", "implementations/munit/models.py", "Encoder()", [F("x", [1, 3, 64, 64])])
case("pytorchgan_munit_decoder", G, "GAN", "implementations/munit/models.py", "Decoder()", [F("content_code", [1, 256, 16, 16]), F("style_code", [1, 8, 1, 1])])
case("pytorchgan_munit_discriminator", G, "GAN", "implementations/munit/models.py", "MultiDiscriminator()", [F("x", [1, 3, 256, 256])])
case("pytorchgan_unit_encoder", G, "VAE", "implementations/unit/models.py", "Encoder(shared_block=ResidualBlock(256))", [F("x", [1, 3, 64, 64])])
case("pytorchgan_dualgan_generator", G, "GAN", "implementations/dualgan/models.py", "Generator()", [F("x", [1, 3, 128, 128])])
case("pytorchgan_bicyclegan_encoder", G, "GAN", "implementations/bicyclegan/models.py", "Encoder(8, (3, 128, 128))", [F("img", [1, 3, 128, 128])])
case("pytorchgan_bicyclegan_generator", G, "GAN", "implementations/bicyclegan/models.py", "Generator(8, (3, 128, 128))", [F("x", [1, 3, 128, 128]), F("z", [1, 8])])
R = "dome272/Diffusion-Models-pytorch"
case("dome272_unet", R, "diffusion U-Net", "modules.py", 'UNet(device="cpu")', [F("x", [1, 3, 64, 64]), L("t", [1], 1000)])
case("dome272_unet_conditional", R, "diffusion U-Net", "modules.py", 'UNet_conditional(num_classes=10, device="cpu")', [F("x", [1, 3, 64, 64]), L("t", [1], 1000), L("y", [1], 10)])
R = "cloneofsimo/minDiffusion"
case("mindiffusion_naiveunet", R, "diffusion U-Net", "mindiffusion/unet.py", "NaiveUnet(3, 3, n_feat=64)", [F("x", [1, 3, 32, 32]), F("t", [1])])
R = "jik876/hifi-gan"
H = ("AttrDict(resblock='1', upsample_rates=[8, 8, 2, 2], upsample_kernel_sizes=[16, 16, 4, 4], "
     "upsample_initial_channel=128, resblock_kernel_sizes=[3, 7, 11], resblock_dilation_sizes=[[1, 3, 5], [1, 3, 5], [1, 3, 5]])")
case("hifigan_generator", R, "speech vocoder", "models.py", "Generator(__import__('env').%s)" % H, [F("x", [1, 80, 10])])
case("hifigan_mpd", R, "speech vocoder", "models.py", "MultiPeriodDiscriminator()", [F("y", [1, 1, 2048]), F("y_hat", [1, 1, 2048])])
case("hifigan_msd", R, "speech vocoder", "models.py", "MultiScaleDiscriminator()", [F("y", [1, 1, 2048]), F("y_hat", [1, 1, 2048])])
R = "seungwonpark/melgan"
case("melgan_generator", R, "speech vocoder", "model/generator.py", "Generator(80)", [F("mel", [1, 80, 10])])
case("melgan_multiscale", R, "speech vocoder", "model/multiscale.py", "MultiScaleDiscriminator()", [F("x", [1, 1, 4096])])
R = "kaituoxu/Conv-TasNet"
case("convtasnet", R, "speech separation", "src/conv_tasnet.py", "ConvTasNet(64, 16, 32, 64, 3, 3, 2, 2)", [F("mixture", [1, 4000])])
R = "sooftware/conformer"
case("conformer", R, "speech recognition", "conformer/model.py", "Conformer(num_classes=10, input_dim=80, encoder_dim=64, num_encoder_layers=2, num_attention_heads=4)", [F("inputs", [1, 64, 80]), L("input_lengths", [1], 64)])
R = "hyunwoongko/transformer"
case("hyunwoongko_transformer", R, "NLP from scratch", "models/model/transformer.py", "Transformer(src_pad_idx=1, trg_pad_idx=1, trg_sos_idx=2, enc_voc_size=100, dec_voc_size=100, d_model=64, n_head=4, max_len=32, ffn_hidden=128, n_layers=2, drop_prob=0.1, device='cpu')", [L("src", [1, 16], 100), L("trg", [1, 12], 100)])
R = "codertimo/BERT-pytorch"
case("bert", R, "NLP from scratch", "bert_pytorch/model/bert.py", "BERT(100, hidden=64, n_layers=2, attn_heads=4)", [L("x", [1, 16], 100), L("segment_info", [1, 16], 3)])
case("bert_lm", R, "NLP from scratch", "bert_pytorch/model/language_model.py", "BERTLM(BERT(100, hidden=64, n_layers=2, attn_heads=4), 100)", [L("x", [1, 16], 100), L("segment_label", [1, 16], 3)])
R = "meetps/pytorch-semseg"
case("semseg_fcn8s", R, "segmentation", "ptsemseg/models/fcn.py", "fcn8s(n_classes=21)", [F("x", [1, 3, 64, 64])])
case("semseg_segnet", R, "segmentation", "ptsemseg/models/segnet.py", "segnet(n_classes=21)", [F("inputs", [1, 3, 64, 64])])
case("semseg_unet", R, "segmentation", "ptsemseg/models/unet.py", "unet(n_classes=21)", [F("inputs", [1, 3, 572, 572])])
case("semseg_pspnet", R, "segmentation", "ptsemseg/models/pspnet.py", "pspnet(n_classes=21, block_config=[1, 1, 1, 1], input_size=(65, 65))", [F("x", [1, 3, 65, 65])])
R = "LeeJunHyun/Image_Segmentation"
case("imageseg_unet", R, "segmentation", "network.py", "U_Net(img_ch=3, output_ch=1)", [F("x", [1, 3, 64, 64])])
case("imageseg_r2unet", R, "segmentation", "network.py", "R2U_Net(img_ch=3, output_ch=1, t=2)", [F("x", [1, 3, 64, 64])])
case("imageseg_attunet", R, "segmentation", "network.py", "AttU_Net(img_ch=3, output_ch=1)", [F("x", [1, 3, 64, 64])])
R = "jvanvugt/pytorch-unet"
case("jvanvugt_unet", R, "segmentation", "unet.py", "UNet(in_channels=1, n_classes=2, depth=3, wf=4, padding=True)", [F("x", [1, 1, 64, 64])])
case("srcnn", "yjn870/SRCNN-pytorch", "super-resolution", "models.py", "SRCNN()", [F("x", [1, 1, 33, 33])])
case("fsrcnn", "yjn870/FSRCNN-pytorch", "super-resolution", "models.py", "FSRCNN(scale_factor=3)", [F("x", [1, 1, 20, 20])])
case("esrgan_rrdbnet", "xinntao/ESRGAN", "super-resolution", "RRDBNet_arch.py", "RRDBNet(3, 3, 32, 2, gc=16)", [F("x", [1, 3, 16, 16])])
case("vdsr", "twtygqyy/pytorch-vdsr", "super-resolution", "vdsr.py", "Net()", [F("x", [1, 1, 32, 32])])
R = "kenshohara/3D-ResNets-PyTorch"
case("resnet3d_18", R, "video / 3-D", "models/resnet.py", "generate_model(18, n_classes=10)", [F("x", [1, 3, 8, 56, 56])])
case("densenet3d_121", R, "video / 3-D", "models/densenet.py", "generate_model(121, num_classes=10)", [F("x", [1, 3, 16, 64, 64])])
case("resnet2p1d_18", R, "video / 3-D", "models/resnet2p1d.py", "generate_model(18, n_classes=10)", [F("x", [1, 3, 8, 56, 56])])
R = "jfzhang95/pytorch-video-recognition"
case("c3d", R, "video / 3-D", "network/C3D_model.py", "C3D(num_classes=10)", [F("x", [1, 3, 16, 112, 112])])
case("r2plus1d", R, "video / 3-D", "network/R2Plus1D_model.py", "R2Plus1DClassifier(10, (1, 1, 1, 1))", [F("x", [1, 3, 8, 56, 56])])
case("r3d", R, "video / 3-D", "network/R3D_model.py", "R3DClassifier(10, (1, 1, 1, 1))", [F("x", [1, 3, 8, 56, 56])])
R = "fxia22/pointnet.pytorch"
case("pointnet_cls", R, "point clouds", "pointnet/model.py", "PointNetCls(k=5)", [F("x", [2, 3, 64])])
case("pointnet_seg", R, "point clouds", "pointnet/model.py", "PointNetDenseCls(k=4, feature_transform=True)", [F("x", [2, 3, 64])])
R = "WangYueFt/dgcnn"
NS = "__import__('argparse').Namespace(k=8, emb_dims=256, dropout=0.5)"
case("dgcnn_pointnet", R, "point clouds", "pytorch/model.py", "PointNet(%s, output_channels=10)" % NS, [F("x", [2, 3, 64])])
case("pygcn", "tkipf/pygcn", "graph network", "pygcn/models.py", "GCN(nfeat=16, nhid=8, nclass=3, dropout=0.5)", [F("x", [10, 16]), F("adj", [10, 10])])
R = "Diego999/pyGAT"
case("pygat", R, "graph network", "models.py", "GAT(nfeat=16, nhid=8, nclass=3, dropout=0.6, alpha=0.2, nheads=4)", [F("x", [10, 16]), F("adj", [10, 10])])
case("pygat_sparse", R, "graph network", "models.py", "SpGAT(nfeat=16, nhid=8, nclass=3, dropout=0.6, alpha=0.2, nheads=4)", [F("x", [10, 16]), F("adj", [10, 10])])
R = "sfujim/TD3"
case("td3_actor", R, "RL policy", "TD3.py", "Actor(17, 6, 1.0)", [F("state", [1, 17])])
case("td3_critic", R, "RL policy", "TD3.py", "Critic(17, 6)", [F("state", [1, 17]), F("action", [1, 6])])
R = "pranz24/pytorch-soft-actor-critic"
case("sac_qnetwork", R, "RL policy", "model.py", "QNetwork(17, 6, 256)", [F("state", [1, 17]), F("action", [1, 6])])
case("sac_gaussian_policy", R, "RL policy", "model.py", "GaussianPolicy(17, 6, 256)", [F("state", [1, 17])])
case("rainbow_dqn", "Kaixhin/Rainbow", "RL policy", "model.py", "DQN(__import__('argparse').Namespace(atoms=51, architecture='canonical', history_length=4, hidden_size=256, noisy_std=0.1), 6)", [F("x", [1, 4, 84, 84])])
R = "AntixK/PyTorch-VAE"
case("vae_vanilla", R, "VAE", "models/vanilla_vae.py", "VanillaVAE(in_channels=3, latent_dim=128)", [F("input", [2, 3, 64, 64])])
case("vae_beta", R, "VAE", "models/beta_vae.py", "BetaVAE(in_channels=3, latent_dim=64)", [F("input", [2, 3, 64, 64])])
case("vae_vq", R, "VAE", "models/vq_vae.py", "VQVAE(in_channels=3, embedding_dim=64, num_embeddings=128)", [F("input", [2, 3, 64, 64])])
case("vae_cvae", R, "VAE", "models/cvae.py", "ConditionalVAE(in_channels=3, num_classes=10, latent_dim=64)", [F("input", [2, 3, 64, 64]), {**F("labels", [2, 10]), "keyword": True}])
R = "ikostrikov/pytorch-flows"
case("flows_maf", R, "normalising flow", "flows.py", "FlowSequential(MADE(8, 32), BatchNormFlow(8), Reverse(8), MADE(8, 32))", [F("inputs", [4, 8])])
case("flows_realnvp", R, "normalising flow", "flows.py", "FlowSequential(CouplingLayer(8, 32, torch.arange(0, 8) % 2), BatchNormFlow(8), CouplingLayer(8, 32, 1 - torch.arange(0, 8) % 2))", [F("inputs", [4, 8])])
R = "ritheshkumar95/pytorch-vqvae"
case("vqvae_modules", R, "VAE / audio-image codec", "modules.py", "VectorQuantizedVAE(3, 64, K=128)", [F("x", [1, 3, 32, 32])])
case("vqvae_pixelcnn", R, "autoregressive prior", "modules.py", "GatedPixelCNN(input_dim=128, dim=32, n_layers=4, n_classes=10)", [L("x", [1, 8, 8], 128), L("label", [1], 10)])
case("waveglow_invconv", "NVIDIA/waveglow", "normalising flow (speech)", "glow.py", "Invertible1x1Conv(8)", [F("z", [1, 8, 100])])
case("crnn", "meijieru/crnn.pytorch", "text recognition", "models/crnn.py", "CRNN(32, 1, 37, 256)", [F("input", [1, 1, 32, 100])])
case("autovc_generator", "auspicious3000/autovc", "voice conversion", "model_vc.py", "Generator(32, 256, 512, 32)", [F("x", [1, 128, 80]), F("c_org", [1, 256]), F("c_trg", [1, 256])])
R = "yunjey/stargan"
case("stargan_generator", R, "GAN", "model.py", "Generator(conv_dim=32, c_dim=5, repeat_num=2)", [F("x", [1, 3, 64, 64]), F("c", [1, 5])])
case("stargan_discriminator", R, "GAN", "model.py", "Discriminator(image_size=64, conv_dim=32, c_dim=5, repeat_num=4)", [F("x", [1, 3, 64, 64])])
R = "kan-bayashi/ParallelWaveGAN"
case("pwg_generator", R, "speech vocoder", "parallel_wavegan/models/parallel_wavegan.py", "ParallelWaveGANGenerator(layers=6, stacks=2, residual_channels=16, gate_channels=32, skip_channels=16, aux_channels=80, upsample_params={'upsample_scales': [4, 4]})", [F("x", [1, 1, 160]), F("c", [1, 80, 14])])
case("pwg_discriminator", R, "speech vocoder", "parallel_wavegan/models/parallel_wavegan.py", "ParallelWaveGANDiscriminator(layers=4, conv_channels=16)", [F("x", [1, 1, 1600])])
case("pwg_melgan_generator", R, "speech vocoder", "parallel_wavegan/models/melgan.py", "MelGANGenerator(channels=64, upsample_scales=[4, 4], stack_kernel_size=3, stacks=2)", [F("c", [1, 80, 10])])
case("pwg_hifigan_generator", R, "speech vocoder", "parallel_wavegan/models/hifigan.py", "HiFiGANGenerator(channels=64, upsample_scales=(4, 4), upsample_kernel_sizes=(8, 8))", [F("c", [1, 80, 10])])
json.dump({"about": "Real PyTorch model files from public repositories (issue 15). Their code is never committed: tools/measureRealCode.py reads them from a local folder (default /work/corpus, one folder per repository named owner+name) and writes the truth to test/fixtures/realCode/torch.", "cases": C}, open(os.path.join(HERE, 'torchCorpus.json'), 'w'), indent=1)
print(len(C), len({c['repo'] for c in C}))
