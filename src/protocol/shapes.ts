// One compiler for the models' recursive shapes. Every protocol walks values along shapes: reading input
// (JSON values, form parameters) and writing output (JSON, XML). Each walk is a ShapeCompiler that says what
// a structure, a list and a map compile to, with the protocol's own leaves (scalars); `compileShapes` compiles
// each shape once, on first use, and ties a recursive shape (a structure that holds itself) through a
// forwarder, so no walk recompiles a shape or loops while compiling.
import type { ServiceModel, Shape } from './service.js';

export type ScalarType = 'string' | 'integer' | 'long' | 'double' | 'float' | 'boolean' | 'timestamp' | 'blob';
export type ScalarShape = Shape & { type: ScalarType };

/** The compiled node of a shape, by the shape's name (compiled on first use, then shared). */
export type Compile<T> = (shapeName: string) => T;

/** What one walk makes of each kind of shape; `compile` gives the nodes of the shapes it holds. */
export interface ShapeCompiler<T> {
  structure(shape: Shape, compile: Compile<T>): T;
  list(shape: Shape, compile: Compile<T>): T;
  map(shape: Shape, compile: Compile<T>): T;
  scalar(shape: ScalarShape): T;
  /** A document shape (any JSON value), when the walk treats it apart; else it is walked as its type says. */
  document?(shape: Shape): T;
}

type Node = (...args: never[]) => unknown;

export function compileShapes<T extends Node>(model: ServiceModel, compiler: ShapeCompiler<T>): Compile<T> {
  const nodes = new Map<string, T>();
  const compile = (name: string): T => {
    const known = nodes.get(name);
    if (known) return known;
    // A recursive shape reaches itself while compiling: until then it is walked through this forwarder.
    let compiled: T | undefined;
    nodes.set(name, ((...args: never[]) => compiled!(...args)) as T);
    compiled = compileShape(shapeOf(model, name), compiler, compile);
    nodes.set(name, compiled);
    return compiled;
  };
  return compile;
}

function compileShape<T>(shape: Shape, compiler: ShapeCompiler<T>, compile: Compile<T>): T {
  if (shape.document && compiler.document) return compiler.document(shape);
  switch (shape.type) {
    case 'structure':
      return compiler.structure(shape, compile);
    case 'list':
      return compiler.list(shape, compile);
    case 'map':
      return compiler.map(shape, compile);
    default:
      return compiler.scalar(shape as ScalarShape);
  }
}

export function shapeOf(model: ServiceModel, name: string): Shape {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`shape ${name} is not in the ${model.metadata.serviceId} model`);
  return shape;
}
