import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The cluster tier shares one lab, so file order matters: alphabetical by path (the lab's own
 * tests first, then probes and scenarios), and zz-down.test.ts, which removes the lab, last.
 */
export default class PathSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }

  override async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
    return files;
  }
}
