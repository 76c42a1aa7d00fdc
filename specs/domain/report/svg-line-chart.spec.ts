import { describe, expect, test } from 'vitest'
import { niceTicks, PALETTE, svgLineChart } from '../../../src/domain/report/svg-line-chart.ts'

describe('niceTicks()', () => {
  test.each([
    [0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [71, 82, [70, 75, 80, 85]],
    [0.74, 5.03, [0, 1, 2, 3, 4, 5, 6]],
    [-3, 7, [-4, -2, 0, 2, 4, 6, 8]],
    [1000, 125000, [0, 50000, 100000, 150000]],
  ])('%s..%s → %j', (min, max, expected) => {
    expect(niceTicks(min, max)).toEqual(expected)
  })
})

describe('svgLineChart()', () => {
  const chart = (series: Parameters<typeof svgLineChart>[0]['series']) =>
    svgLineChart({ title: 'loss <ts>', xLabel: 'step', yLabel: 'loss', series })

  test('one polyline per series with the palette colours, a legend entry and a marker per point', () => {
    const svg = chart([
      {
        name: 'loss',
        points: [
          [1, 5],
          [2, 4],
          [3, 3.5],
        ],
      },
      {
        name: 'val_loss',
        points: [
          [1, 5.2],
          [3, 3.9],
        ],
      },
    ])
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.match(/<polyline /g)).toHaveLength(2)
    expect(svg).toContain(`stroke="${PALETTE[0]}"`)
    expect(svg).toContain(`stroke="${PALETTE[1]}"`)
    expect(svg.match(/<circle /g)).toHaveLength(5)
    expect(svg).toContain('<title>val_loss: 3.9 at step 3</title>')
    expect(svg).toContain('>val_loss</text>')
  })

  test('x spans the data: the first point sits on the y axis, the last at the right edge', () => {
    const svg = svgLineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      width: 400,
      series: [
        {
          name: 'a',
          points: [
            [10, 1],
            [20, 2],
          ],
        },
      ],
    })
    expect(svg).toMatch(/<polyline points="64,[\d.]+ 384,[\d.]+"/) // left margin 64, right margin 16
  })

  test('a null value breaks the line and is marked on the axis', () => {
    const svg = chart([
      {
        name: 'loss',
        points: [
          [1, 5],
          [2, 4],
          [3, null],
          [4, 3],
          [5, 2.5],
        ],
      },
    ])
    expect(svg.match(/<polyline /g)).toHaveLength(2)
    expect(svg).toContain('<g class="nan"><title>loss: no finite value (NaN/Inf) at step 3</title>')
  })

  test('a lone point between gaps is drawn as a dot, and a flat series still gets a range', () => {
    const svg = chart([
      {
        name: 'ppl',
        points: [
          [1, null],
          [2, 7],
          [3, null],
        ],
      },
    ])
    expect(svg).not.toContain('<polyline')
    expect(svg.match(/<circle /g)).toHaveLength(1)
    expect(svg).not.toContain('NaN"')
    expect(svg).not.toMatch(/="[^"]*(NaN|Infinity)/)
  })

  test('long series keep lines but drop per-point markers', () => {
    const points = Array.from({ length: 500 }, (_, i) => [i, Math.sin(i / 20)] as [number, number])
    const svg = chart([{ name: 'wave', points }])
    expect(svg).not.toContain('<circle')
    expect(svg.match(/<polyline /g)).toHaveLength(1)
  })

  test('labels are escaped and there is no script or external reference', () => {
    const svg = svgLineChart({
      title: '<script>x</script>',
      xLabel: 'a&b',
      yLabel: '"y"',
      series: [
        {
          name: '<n>',
          points: [
            [0, 1],
            [1, 2],
          ],
        },
      ],
    })
    expect(svg).toContain('&lt;script&gt;x&lt;/script&gt;')
    expect(svg).toContain('a&amp;b')
    expect(svg).toContain('&lt;n&gt;')
    expect(svg).not.toMatch(/<script|href=|url\(/)
  })

  test('with no points it still draws empty axes', () => {
    const svg = chart([])
    expect(svg).toContain('class="axis"')
    expect(svg).not.toContain('<polyline')
  })
})
