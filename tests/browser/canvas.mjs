// What the browser tests read off a flame graph's canvas.

// RGBA of the canvas at CSS pixel (x, y), read from its backing store.
export async function pixel(page, x, y) {
  return page.evaluate(([x, y]) => {
    const c = document.querySelector('canvas.ap-canvas');
    const dpr = c.width / c.clientWidth;
    const d = c.getContext('2d').getImageData(Math.floor(x * dpr), Math.floor(y * dpr), 1, 1).data;
    return [d[0], d[1], d[2], d[3]];
  }, [x, y]);
}
