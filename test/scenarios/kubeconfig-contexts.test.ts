import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { defineScenarioSelfTest, shownText } from './harness.js';

defineScenarioSelfTest('kubeconfig-contexts', {
  afterSolution: (h, results) => {
    // The token is compared by value but never shown to the learner.
    const token = fs.readFileSync(path.join(h.workspace, 'john.token'), 'utf8').trim();
    expect(token.length).toBeGreaterThan(10);
    expect(shownText(results)).not.toContain(token);
  },
  otherSolutions: [
    {
      name: 'KUBECONFIG exported first, tokenFile instead of token, ~ in .bashrc, explicit namespace omitted',
      script: `
        export KUBECONFIG="$WORKSPACE/my-kube-config"
        kubectl config use-context research
        kubectl config set-credentials john
        kubectl config set users.john.tokenFile "$WORKSPACE/john.token"
        kubectl config set-context john-context --cluster=kubernetes --user=john
        echo 'export KUBECONFIG=~/my-kube-config' >> ~/.bashrc
      `,
    },
    {
      name: 'YAML edited by hand: relative tokenFile, absolute path in .bashrc',
      script: `
        sed -i 's/^current-context: .*/current-context: research/' my-kube-config
        awk '{ print }
          /^users:$/ { print "  - name: john"; print "    user:"; print "      tokenFile: john.token" }
          /^contexts:$/ { print "  - name: john-context"; print "    context:"; print "      cluster: kubernetes"; print "      user: john"; print "      namespace: default" }
        ' my-kube-config > my-kube-config.new
        mv my-kube-config.new my-kube-config
        printf '\\nexport KUBECONFIG=%s\\n' "$WORKSPACE/my-kube-config" >> .bashrc
      `,
    },
  ],
  nearMisses: [
    {
      name: 'the right token, but also a tokenFile that names another file (kubectl sends the file)',
      script: `
        kc=my-kube-config
        kubectl config --kubeconfig $kc use-context research
        echo not-johns-token > old.token
        kubectl config --kubeconfig $kc set-credentials john --token="$(cat john.token)"
        kubectl config --kubeconfig $kc set users.john.tokenFile "$WORKSPACE/old.token"
        kubectl config --kubeconfig $kc set-context john-context --cluster=kubernetes --user=john --namespace=default
        echo 'export KUBECONFIG="$HOME/my-kube-config"' >> .bashrc
      `,
      failing: ['john-token'],
    },
    {
      name: 'KUBECONFIG assigned in .bashrc but not exported (kubectl started from the shell never sees it)',
      script: `
        kc=my-kube-config
        kubectl config --kubeconfig $kc use-context research
        kubectl config --kubeconfig $kc set-credentials john --token="$(cat john.token)"
        kubectl config --kubeconfig $kc set-context john-context --cluster=kubernetes --user=john --namespace=default
        echo 'KUBECONFIG="$HOME/my-kube-config"' >> .bashrc
      `,
      failing: ['bashrc-kubeconfig'],
    },
    {
      name: 'the file name passed as the token (--token=john.token)',
      script: `
        kc=my-kube-config
        kubectl config --kubeconfig $kc use-context research
        kubectl config --kubeconfig $kc set-credentials john --token=john.token
        kubectl config --kubeconfig $kc set-context john-context --cluster=kubernetes --user=john --namespace=default
        echo 'export KUBECONFIG=$HOME/my-kube-config' >> .bashrc
      `,
      failing: ['john-token'],
    },
    {
      name: 'relative KUBECONFIG in .bashrc and the wrong namespace',
      script: `
        kc=my-kube-config
        kubectl config --kubeconfig $kc use-context research
        kubectl config --kubeconfig $kc set-credentials john --token="$(cat john.token)"
        kubectl config --kubeconfig $kc set-context john-context --cluster=kubernetes --user=john --namespace=dev
        echo 'export KUBECONFIG=my-kube-config' >> .bashrc
      `,
      failing: ['john-context-namespace', 'bashrc-kubeconfig'],
    },
    {
      name: 'use-context without --kubeconfig (changes ~/.kube/config instead)',
      script: `
        kubectl config use-context research || true
        kc=my-kube-config
        kubectl config --kubeconfig $kc set-credentials john --token="$(cat john.token)"
        kubectl config --kubeconfig $kc set-context john-context --cluster=kubernetes --user=john
        echo 'export KUBECONFIG="$HOME/my-kube-config"' >> .bashrc
      `,
      failing: ['current-context'],
    },
  ],
});
