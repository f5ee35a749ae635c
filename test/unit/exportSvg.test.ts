// The pure parts of the exports: the SVG recording context and the offline replay page. The
// browser-side composition is tested in test/webview/export.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PLAYER_SCRIPT, replayHtml, svgDataUrl } from '../../webview/render/exportHtml';
import { SvgRecorder, escapeXml, imageHref, svgDocument } from '../../webview/render/exportSvg';
import { answerInFormat } from '../../src/shared/protocol';

const fakePng = (data: { width: number; height: number }) => `data:image/png;base64,${data.width}x${data.height}`;

describe('SVG recorder', () => {
  it('turns rectangles, text and paths into SVG elements with the context state of each call', () => {
    const ctx = new SvgRecorder(100, 50, fakePng);
    ctx.fillStyle = '#ff0000';
    ctx.fillRect(1, 2, 3, 4);
    ctx.strokeStyle = 'rgba(0, 0, 255, 0.5)';
    ctx.lineWidth = 2;
    ctx.setLineDash([4, 2]);
    ctx.strokeRect(0, 0, 10, 10);
    ctx.setLineDash([]);
    ctx.font = 'bold 12px monospace';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#00ff00';
    ctx.fillText('-4', 20, 30);
    ctx.beginPath();
    ctx.moveTo(0, 0);
    ctx.lineTo(5, 5);
    ctx.stroke();
    assert.equal(
      ctx.body(),
      '<rect x="1" y="2" width="3" height="4" fill="#ff0000"/>' +
        '<rect x="0" y="0" width="10" height="10" fill="none" stroke="rgba(0, 0, 255, 0.5)" stroke-width="2" stroke-dasharray="4 2"/>' +
        '<text x="20" y="30" font-size="12" font-family="monospace" font-weight="bold" text-anchor="middle" dominant-baseline="middle" fill="#00ff00">-4</text>' +
        '<path d="M0 0L5 5" fill="none" stroke="rgba(0, 0, 255, 0.5)" stroke-width="2"/>',
    );
  });

  it('restores state, applies alpha, and starts over on a full clear', () => {
    const ctx = new SvgRecorder(10, 10, fakePng);
    ctx.fillRect(0, 0, 1, 1);
    ctx.clearRect(0, 0, 10, 10);
    ctx.save();
    ctx.globalAlpha = 0.25;
    ctx.fillStyle = '#123456';
    ctx.restore();
    ctx.fillRect(2, 2, 1, 1);
    ctx.globalAlpha = 0.5;
    ctx.fillRect(3, 3, 1, 1);
    assert.equal(ctx.body(), '<rect x="2" y="2" width="1" height="1" fill="#000"/><rect x="3" y="3" width="1" height="1" fill="#000" opacity="0.5"/>');
  });

  it('embeds pixel data and drawn canvases as images', () => {
    const ctx = new SvgRecorder(10, 10, fakePng);
    ctx.putImageData(ctx.createImageData(4, 3), 1, 1);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage({ toDataURL: () => 'data:image/png;base64,AAAA', width: 2, height: 2 }, 0, 0, 8, 8);
    ctx.drawImage({ toDataURL: () => 'javascript:alert(1)', width: 2, height: 2 }, 0, 0);
    assert.match(ctx.body(), /^<image x="1" y="1" width="4" height="3" href="data:image\/png;base64,4x3" image-rendering="pixelated"\/>/);
    assert.match(ctx.body(), /<image x="0" y="0" width="8" height="8" href="data:image\/png;base64,AAAA" preserveAspectRatio="none" image-rendering="pixelated"\/>$/);
    assert.doesNotMatch(ctx.body(), /javascript:/);
  });

  it('writes names from user files as text, never as markup', () => {
    const ctx = new SvgRecorder(10, 10, fakePng);
    ctx.fillStyle = '"/><script>alert(1)</script>';
    ctx.fillText('<img src=x onerror=alert(1)>', 0, 0);
    const svg = svgDocument(10, 10, 'url(javascript:alert(1))"', [{ x: 0, y: 0, recorder: ctx }], 'a & <b>');
    assert.doesNotMatch(svg, /<script|<img|onerror=alert\(1\)>/);
    assert.match(svg, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(svg, /<title>a &amp; &lt;b&gt;<\/title>/);
    assert.equal(escapeXml(`<>&"'`), '&lt;&gt;&amp;&quot;&apos;');
  });
});

describe('offline replay page', () => {
  const page = replayHtml({
    title: 'conv </script><script>alert(1)</script>',
    frames: ['<svg>1</svg>', '<svg>2</svg>', '<svg></script><script>alert(2)</script></svg>'],
    captions: ['one', 'two', 'three\u2028'],
    speed: 2,
    startStep: 7,
    background: '#1e1e1e',
    foreground: 'red;}</style><script>',
  });

  it('references nothing outside the file and forbids it by CSP', () => {
    assert.doesNotMatch(page, /(src|href)=["']?https?:/);
    assert.match(page, /Content-Security-Policy" content="default-src 'none'; img-src data:;/);
  });

  it('keeps frames, captions and the title from closing its script or style', () => {
    // The page's own two: the inert data block and the player.
    assert.equal(page.match(/<\/script>/g)?.length, 2, 'only the page’s own </script>');
    assert.equal(page.match(/<script>/g)?.length, 1, 'only the page’s own <script>');
    assert.equal(page.match(/<\/style>/g)?.length, 1, 'only the page’s own </style>');
    assert.doesNotMatch(page, /\u2028/);
  });

  it('holds every frame and starts on a valid step', () => {
    const data = JSON.parse(/<script type="application\/json" id="replay-data">(.*)<\/script>/.exec(page)![1]) as { frames: string[]; start: number };
    assert.equal(data.frames.length, 3);
    assert.equal(data.frames[2], svgDataUrl('<svg></script><script>alert(2)</script></svg>'));
    assert.equal(data.start, 2);
    assert.match(page, /max="2"/);
  });

  // Issue 19: the player runs under a hash, not 'unsafe-inline', and never parses a frame into the page.
  it('allows only its own player script, by SHA-256 hash, and builds frames without innerHTML', () => {
    const csp = /Content-Security-Policy" content="([^"]*)"/.exec(page)![1];
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1);
    const digest = createHash('sha256').update(scripts[0], 'utf8').digest('base64');
    assert.ok(csp.includes(`script-src 'sha256-${digest}'`), `${csp} does not allow the player (sha256-${digest})`);
    assert.equal(scripts[0], PLAYER_SCRIPT);
    assert.doesNotMatch(PLAYER_SCRIPT, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    for (const frame of (JSON.parse(/id="replay-data">(.*)<\/script>/.exec(page)![1]) as { frames: string[] }).frames) assert.match(frame, /^data:image\/svg\+xml;/);
  });
});

describe('SVG image links (issue 19)', () => {
  it('keeps only escaped base64 image data in an image href', () => {
    assert.equal(imageHref('data:image/png;base64,iVBORw0KGgo='), 'data:image/png;base64,iVBORw0KGgo=');
    for (const bad of ['https://attacker.example/x.png', 'javascript:alert(1)', 'data:image/png;base64,AA"/><script>alert(1)</script>', 'data:image/svg+xml,<svg/onload=alert(1)>', undefined]) {
      assert.equal(imageHref(bad), null, String(bad));
    }
    const ctx = new SvgRecorder(4, 4, () => 'data:image/png;base64,A"B');
    ctx.drawImage({ toDataURL: () => 'data:image/png;base64,AA"/><script>x</script>', width: 1, height: 1 }, 0, 0);
    ctx.putImageData({ width: 1, height: 1, data: new Uint8ClampedArray(4) }, 0, 0);
    assert.doesNotMatch(ctx.body(), /<script|"\/>\S*"/);
  });
});

describe('export answers (issue 19)', () => {
  it('accepts only an answer in the format asked for', () => {
    const html = { type: 'exported', requestId: 1, format: 'html', data: '<script>alert(1)</script>', error: null } as const;
    const answer = answerInFormat('png', html);
    assert.equal(answer.format, 'png');
    assert.equal(answer.data, '');
    assert.match(answer.error ?? '', /png request with html/);
    assert.equal(answerInFormat('html', html), html);
  });
});
