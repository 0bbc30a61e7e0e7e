import { main } from '../lambdas/shared/cli/program';

export { main };

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
